# arfc eval plot: pixels (classification), probe_acc vs achieved ratio.
# Render: gnuplot report.gp   (or gnuplot -e "outfile='x.png'" report.gp)
if (!exists("outfile")) outfile = "report.png"
set terminal pngcairo size 1280,800 noenhanced font 'Sans,13' linewidth 1.5
set output outfile
set title "arfc eval: pixels (classification, D = 784, test n = 10000)"
set xlabel "compression ratio = float32 bytes / code bytes (log scale)"
set ylabel "probe_acc (%)"
set logscale x 2
set grid xtics ytics lc rgb '#dddddd'
set key outside right center box opaque spacing 1.2 samplen 4
set xrange [1.73913:75.1333]
set xtics ("2" 2, "3" 3, "4" 4, "5.3" 5.3, "8" 8, "12" 12, "16" 16, "32" 32, "64" 64)
set yrange [18.3232:90.1968]
$s0 << EOD
2 83.39 -
3.2 83.38 -
4 83.36 -
5.33333 83.4 -
8 83.41 -
12.8 83.29 -
16 83.08 -
32 82.6 -
64 80.64 -
EOD
$s1 << EOD
2 79.64 -
3.00383 80.33 -
4 80.73 -
5.33333 81.2 -
8 80.63 -
12.0615 80.07 -
16 79.3 -
32.6667 77.03 -
65.3333 72.79 -
EOD
$s2 << EOD
2 82.58 -
3.00383 82.13 -
4 81.46 -
5.33333 81.13 -
8 79.97 -
12.0615 77.74 -
16 76.67 -
32.6667 69.89 -
65.3333 61.01 -
EOD
$s3 << EOD
2 77.9 -
3.00383 68.79 -
4 63.08 -
5.33333 57.18 -
8 50.17 -
12.0615 45.11 -
16 42.47 -
32.6667 34.39 -
65.3333 23.28 -
EOD
$s4 << EOD
4 83.38 -
8 83.34 -
16 83.37 -
32 83.26 -
64 83.42 -
EOD
$s5 << EOD
2 85.24 -
3.00383 85.18 -
4 84.88 -
5.33333 84.8 -
8 84.62 -
12.0615 84.34 -
16 83.78 -
32.6667 83.51 -
65.3333 82.13 -
EOD
$s6 << EOD
2 82.03 -
3.00383 81.43 -
4 81.19 -
5.33333 81.45 -
8 80.55 -
12.0615 81.15 -
16 80.91 -
32.6667 80.42 -
65.3333 79.15 -
EOD
$s7 << EOD
2 84.89 -
3.00383 84.61 -
4 84.52 -
5.33333 84.49 -
8 84.42 -
12.0615 84.31 -
16 84.27 -
32.6667 83.8 -
65.3333 82.15 -
EOD
$s8 << EOD
2 83.3 f16
4 83.32 i8
8 83.32 i4
32 81.83 bin
EOD
plot \
  $s0 using 1:2 with linespoints lw 3.5 pt 7 ps 1.4 lc rgb '#1f77b4' title "arfc", \
  $s1 using 1:2 with linespoints lw 2 pt 5 ps 1.4 lc rgb '#ff7f0e' title "pca", \
  $s2 using 1:2 with linespoints lw 2 pt 9 ps 1.4 lc rgb '#2ca02c' title "rp", \
  $s3 using 1:2 with linespoints lw 2 pt 11 ps 1.4 lc rgb '#9467bd' title "trunc", \
  $s4 using 1:2 with linespoints lw 2 pt 13 ps 1.4 lc rgb '#8c564b' title "pq", \
  $s5 using 1:2 with linespoints lw 2 pt 4 ps 1.4 lc rgb '#e377c2' title "ae", \
  $s6 using 1:2 with linespoints lw 2 pt 6 ps 1.4 lc rgb '#17becf' title "qformer", \
  $s7 using 1:2 with linespoints lw 2 pt 8 ps 1.4 lc rgb '#bcbd22' title "mrl", \
  $s8 using 1:2 with linespoints lw 2 pt 10 ps 1.4 lc rgb '#7f7f7f' title "scalar quant (f16 / i8 / i4 / bin)", \
  $s8 using 1:2:3 with labels offset 0,1.1 font ',11' notitle, \
  83.29 with lines dt 2 lw 2.5 lc rgb 'black' title "uncompressed (83.29%)"
