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
set yrange [27.0482:97.3053]
$s0 << EOD
2 92.38 -
3.2 91.84 -
4 92.4 -
5.33333 92.14 -
8 91.74 -
12.8 91.12 -
16 90.54 -
32 89.96 -
64 87.77 -
128 81.14 -
256 74.8622 -
512 64.2618 -
EOD
$s1 << EOD
2 92.3 -
2.99415 92.04 -
4 92.2 -
5.27835 92.14 -
8 91.5 -
12.0471 91.26 -
16 90.51 -
32 89.2 -
64 87.61 -
128 82.04 -
256 70.0355 -
512 50.3391 -
EOD
$s2 << EOD
4 92.2 -
5.27835 92.14 -
8 91.5 -
12.0471 91.26 -
16 90.51 -
32 89.46 -
64 84.76 -
128 70.17 -
256 47.53 -
512 33.8089 -
EOD
$s3 << EOD
2 92 -
2.99415 91.92 -
4 91.96 -
5.27835 92 -
8 92.06 -
12.0471 91.72 -
16 91.46 -
32 89.96 -
64 87.02 -
128 82.38 -
256 67.02 -
512 43.0175 -
EOD
$s4 << EOD
2 92.32 -
2.99415 92.14 -
4 92.34 -
5.27835 92.04 -
8 91.5 -
12.0471 90.52 -
16 89.56 -
32 88.38 -
64 83.6 -
128 71.71 -
256 56.9592 -
512 31.8935 -
EOD
$s5 << EOD
4 92.46 -
8 92.4 -
16 91.63 -
32 87.9 -
64 82.6767 -
128 75.5812 -
256 65.4118 -
512 55.407 -
EOD
$s6 << EOD
32 87.7 -
64 84.76 -
128 79.99 -
256 71.7508 -
512 62.5842 -
EOD
$s7 << EOD
4 92.44 -
8 92.38 -
16 91.94 -
32 89.54 -
64 85.34 -
128 78.8083 -
256 70.8103 -
512 59.3675 -
EOD
$s8 << EOD
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
$s9 << EOD
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
$s10 << EOD
2 92.32 f16
4 92.22 i8
8 92.44 i4
28.4444 89.44 rabitq
32 89.2798 bin
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
  92.34 with lines dt 2 lw 2.5 lc rgb 'black' title "uncompressed (92.34%)"
