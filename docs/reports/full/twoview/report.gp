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
set yrange [0:82.782]
$s0 << EOD
2 76.655 -
3.2 76.495 -
4 76.62 -
5.33333 76.475 -
8 76.44 -
12.8 76.245 -
16 76.09 -
32 75.475 -
64 73.175 -
128 65.615 -
256 36.3862 -
512 14.4245 -
EOD
$s1 << EOD
2 70.92 -
2.99415 70.9475 -
4 70.935 -
5.27835 70.95 -
8 70.8375 -
12.0471 70.81 -
16 70.6325 -
32 69.195 -
64 66.615 -
128 51.715 -
256 18.13 -
512 1.65286 -
EOD
$s2 << EOD
4 70.935 -
5.27835 70.95 -
8 70.8375 -
12.0471 70.81 -
16 70.6325 -
32 68.7025 -
64 55.055 -
128 21.6575 -
256 1.78 -
512 0.0674416 -
EOD
$s3 << EOD
2 68.225 -
2.99415 66.605 -
4 68.185 -
5.27835 67.295 -
8 64.51 -
12.0471 61.43 -
16 58.985 -
32 57.98 -
64 46.6175 -
128 24.3 -
256 4.965 -
512 0.333465 -
EOD
$s4 << EOD
2 70.95 -
2.99415 69.0475 -
4 70.94 -
5.27835 69.825 -
8 67.715 -
12.0471 64.6275 -
16 62.225 -
32 61.29 -
64 47.84 -
128 23.515 -
256 4.89 -
512 0.34197 -
EOD
$s5 << EOD
4 70.9575 -
8 70.85 -
16 67.9175 -
32 56.815 -
64 39.2812 -
128 24.5981 -
256 13.653 -
512 6.02744 -
EOD
$s6 << EOD
32 70.11 -
64 66.9775 -
128 55.915 -
256 31.22 -
512 13.8154 -
EOD
$s7 << EOD
4 70.86 -
8 70.58 -
16 69.8625 -
32 68.325 -
64 63.895 -
128 48.84 -
256 28.3818 -
512 12.9014 -
EOD
$s8 << EOD
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
$s9 << EOD
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
$s10 << EOD
2 70.95 f16
4 70.9825 i8
8 70.39 i4
28.4444 58.0825 rabitq
32 58.1806 bin
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
  70.95 with lines dt 2 lw 2.5 lc rgb 'black' title "uncompressed (70.95%)"
