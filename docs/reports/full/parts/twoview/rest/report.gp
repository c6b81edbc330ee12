# arfc eval plot: twoview (crossmodal), R@1 mean vs achieved ratio.
# Render: gnuplot report.gp   (or gnuplot -e "outfile='x.png'" report.gp)
if (!exists("outfile")) outfile = "report.png"
set terminal pngcairo size 1280,800 noenhanced font 'Sans,13' linewidth 1.5
set output outfile
set title "arfc eval: twoview (crossmodal, D = 256, test n = 10000)"
set xlabel "compression ratio = float32 bytes / code bytes (log scale)"
set ylabel "R@1 mean (%)"
set logscale x 2
set grid xtics ytics lc rgb '#dddddd'
set key outside right center box opaque spacing 1.2 samplen 4
set xrange [1.73913:588.8]
set xtics ("2" 2, "3" 3, "4" 4, "5.3" 5.3, "8" 8, "12" 12, "16" 16, "32" 32, "64" 64, "128" 128, "256" 256, "512" 512)
set yrange [0:81.0697]
$s0 << EOD
4 70.86 -
8 70.58 -
16 69.8625 -
32 68.325 -
64 63.895 -
128 48.84 -
256 28.3818 -
512 12.9014 -
EOD
$s1 << EOD
2 75.44 -
2.99415 75.26 -
4 75.475 -
5.27835 75.405 -
8 75.06 -
12.0471 75.185 -
16 75.285 -
32 74.715 -
64 73.31 -
128 66.445 -
256 44.4625 -
512 7.19132 -
EOD
$s2 << EOD
2 74.76 -
2.99415 74.7 -
4 74.755 -
5.27835 74.68 -
8 74.6375 -
12.0471 74.385 -
16 74.18 -
32 73.735 -
64 71.48 -
128 62.98 -
256 39.1675 -
512 5.5413 -
EOD
plot \
  $s0 using 1:2 with linespoints lw 2 pt 7 ps 1.4 lc rgb '#1f77b4' title "opq", \
  $s1 using 1:2 with linespoints lw 2 pt 5 ps 1.4 lc rgb '#ff7f0e' title "ae", \
  $s2 using 1:2 with linespoints lw 2 pt 9 ps 1.4 lc rgb '#2ca02c' title "mrl", \
  70.95 with lines dt 2 lw 2.5 lc rgb 'black' title "uncompressed (70.95%)"
