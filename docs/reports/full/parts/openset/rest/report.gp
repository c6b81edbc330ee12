# arfc eval plot: openset (retrieval), R@1 vs achieved ratio.
# Render: gnuplot report.gp   (or gnuplot -e "outfile='x.png'" report.gp)
if (!exists("outfile")) outfile = "report.png"
set terminal pngcairo size 1280,800 noenhanced font 'Sans,13' linewidth 1.5
set output outfile
set title "arfc eval: openset (retrieval, D = 256, test n = 5000)"
set xlabel "compression ratio = float32 bytes / code bytes (log scale)"
set ylabel "R@1 (%)"
set logscale x 2
set grid xtics ytics lc rgb '#dddddd'
set key outside right center box opaque spacing 1.2 samplen 4
set xrange [1.73913:588.8]
set xtics ("2" 2, "3" 3, "4" 4, "5.3" 5.3, "8" 8, "12" 12, "16" 16, "32" 32, "64" 64, "128" 128, "256" 256, "512" 512)
set yrange [50.6523:95.5354]
$s0 << EOD
4 92.44 -
8 92.38 -
16 91.94 -
32 89.54 -
64 85.34 -
128 78.8083 -
256 70.8103 -
512 59.3675 -
EOD
$s1 << EOD
2 91.4 -
2.99415 91.24 -
4 91.48 -
5.27835 91.32 -
8 91.34 -
12.0471 90.96 -
16 90.84 -
32 90.46 -
64 88.3 -
128 83.78 -
256 71.5674 -
512 53.7477 -
EOD
$s2 << EOD
2 91.02 -
2.99415 90.6 -
4 91.04 -
5.27835 90.76 -
8 90.5 -
12.0471 89.6 -
16 89.56 -
32 89.36 -
64 87.22 -
128 81.48 -
256 70.7957 -
512 55.1261 -
EOD
plot \
  $s0 using 1:2 with linespoints lw 2 pt 7 ps 1.4 lc rgb '#1f77b4' title "opq", \
  $s1 using 1:2 with linespoints lw 2 pt 5 ps 1.4 lc rgb '#ff7f0e' title "ae", \
  $s2 using 1:2 with linespoints lw 2 pt 9 ps 1.4 lc rgb '#2ca02c' title "mrl", \
  92.34 with lines dt 2 lw 2.5 lc rgb 'black' title "uncompressed (92.34%)"
