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
set yrange [0.283856:80.9534]
$s0 << EOD
4 70.86 -
8 70.82 -
16 69.795 -
32 68.575 -
64 63.4775 -
128 48.175 -
256 29.2988 -
512 12.7789 -
EOD
$s1 << EOD
2 75.375 -
2.99415 75.39 -
4 75.36 -
5.27835 75.24 -
8 75.215 -
12.0471 75.325 -
16 75.36 -
32 74.635 -
64 73.11 -
128 66.68 -
256 44.195 -
512 6.79017 -
EOD
$s2 << EOD
2 74.445 -
2.99415 74.45 -
4 74.42 -
5.27835 74.47 -
8 74.3275 -
12.0471 74.195 -
16 74.145 -
32 73.38 -
64 71.2 -
128 62.67 -
256 39.1575 -
512 5.84727 -
EOD
plot \
  $s0 using 1:2 with linespoints lw 2 pt 7 ps 1.4 lc rgb '#1f77b4' title "opq", \
  $s1 using 1:2 with linespoints lw 2 pt 5 ps 1.4 lc rgb '#ff7f0e' title "ae", \
  $s2 using 1:2 with linespoints lw 2 pt 9 ps 1.4 lc rgb '#2ca02c' title "mrl", \
  70.845 with lines dt 2 lw 2.5 lc rgb 'black' title "uncompressed (70.84%)"
