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
set yrange [0:82.3921]
$s0 << EOD
2 76.295 -
3.2 76.145 -
4 76.295 -
5.33333 76.1475 -
8 76.1375 -
12.8 75.91 -
16 75.865 -
32 75.1 -
64 72.755 -
128 66.345 -
256 45.52 -
512 17.8727 -
EOD
$s1 << EOD
2 70.825 -
2.99415 70.875 -
4 70.8 -
5.27835 70.895 -
8 70.9675 -
12.0471 70.81 -
16 70.595 -
32 68.985 -
64 66.44 -
128 51.705 -
256 18.59 -
512 1.58276 -
EOD
$s2 << EOD
4 70.8 -
5.27835 70.895 -
8 70.9675 -
12.0471 70.81 -
16 70.595 -
32 68.67 -
64 54.8325 -
128 21.375 -
256 1.64 -
512 0.0809814 -
EOD
$s3 << EOD
2 67.92 -
2.99415 66.505 -
4 67.96 -
5.27835 67.285 -
8 64.7 -
12.0471 61.4 -
16 59.035 -
32 58.13 -
64 46.09 -
128 24.295 -
256 5.095 -
512 0.382044 -
EOD
$s4 << EOD
2 70.845 -
2.99415 69.0475 -
4 70.815 -
5.27835 69.78 -
8 67.72 -
12.0471 64.645 -
16 61.89 -
32 60.7875 -
64 47.62 -
128 23.27 -
256 5.03 -
512 0.419627 -
EOD
$s5 << EOD
4 70.855 -
8 70.705 -
16 67.81 -
32 56.915 -
64 39.3937 -
128 24.2711 -
256 13.3637 -
512 6.20526 -
EOD
$s6 << EOD
32 70.13 -
64 67.685 -
128 56.265 -
256 30.9 -
512 13.5869 -
EOD
$s7 << EOD
4 70.86 -
8 70.82 -
16 69.795 -
32 68.575 -
64 63.4775 -
128 48.175 -
256 29.2988 -
512 12.7789 -
EOD
$s8 << EOD
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
$s9 << EOD
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
$s10 << EOD
2 70.845 f16
4 70.845 i8
8 70.465 i4
28.4444 58.375 rabitq
32 58.3683 bin
EOD
plot \
  $s0 using 1:2 with linespoints lw 3.5 pt 7 ps 1.4 lc rgb '#1f77b4' title "arfc", \
  $s1 using 1:2 with linespoints lw 2 pt 5 ps 1.4 lc rgb '#ff7f0e' title "pca", \
  $s2 using 1:2 with linespoints lw 2 pt 9 ps 1.4 lc rgb '#2ca02c' title "pca+i8", \
  $s3 using 1:2 with linespoints lw 2 pt 11 ps 1.4 lc rgb '#9467bd' title "rp", \
  $s4 using 1:2 with linespoints lw 2 pt 13 ps 1.4 lc rgb '#8c564b' title "trunc", \
  $s5 using 1:2 with linespoints lw 2 pt 4 ps 1.4 lc rgb '#e377c2' title "pq", \
  $s6 using 1:2 with linespoints lw 2 pt 6 ps 1.4 lc rgb '#17becf' title "rq", \
  $s7 using 1:2 with linespoints lw 2 pt 8 ps 1.4 lc rgb '#bcbd22' title "opq", \
  $s8 using 1:2 with linespoints lw 2 pt 10 ps 1.4 lc rgb '#7f7f7f' title "ae", \
  $s9 using 1:2 with linespoints lw 2 pt 12 ps 1.4 lc rgb '#393b79' title "mrl", \
  $s10 using 1:2 with linespoints lw 2 pt 1 ps 1.4 lc rgb '#637939' title "scalar quant (f16 / i8 / i4 / bin)", \
  $s10 using 1:2:3 with labels offset 0,1.1 font ',11' notitle, \
  70.845 with lines dt 2 lw 2.5 lc rgb 'black' title "uncompressed (70.84%)"
