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
set yrange [29.428:97.752]
$s0 << EOD
2 92.72 -
3.2 92.56 -
4 92.8 -
5.33333 92.66 -
8 91.96 -
12.8 91.44 -
16 90.92 -
32 89.66 -
64 86.48 -
128 82.12 -
256 76.38 -
512 65.74 -
EOD
$s1 << EOD
2 92.7 -
2.99415 92.46 -
4 92.74 -
5.27835 92.5 -
8 92.06 -
12.0471 91.56 -
16 91.2 -
32 89.72 -
64 87.56 -
128 83.86 -
256 69.08 -
512 50.68 -
EOD
$s2 << EOD
4 92.74 -
5.27835 92.5 -
8 92.06 -
12.0471 91.56 -
16 91.2 -
32 89.14 -
64 86.18 -
128 71.04 -
256 49.52 -
512 35.36 -
EOD
$s3 << EOD
2 92.56 -
2.99415 92.52 -
4 92.6 -
5.27835 92.7 -
8 91.92 -
12.0471 91.22 -
16 90.78 -
32 90.36 -
64 86.32 -
128 81.76 -
256 70.42 -
512 43.94 -
EOD
$s4 << EOD
2 92.76 -
2.99415 92.28 -
4 92.74 -
5.27835 92.56 -
8 91.82 -
12.0471 90.5 -
16 89.82 -
32 89.54 -
64 85.28 -
128 71.94 -
256 57.9 -
512 34.14 -
EOD
$s5 << EOD
4 93.04 -
8 92.18 -
16 91.36 -
32 87.4 -
64 83.38 -
128 75.82 -
256 66.6 -
512 49.66 -
EOD
$s6 << EOD
4 92.72 -
8 92.7 -
16 91.28 -
32 89.1 -
64 86.48 -
128 81.28 -
256 73.46 -
512 56.32 -
EOD
$s7 << EOD
32 86.3 -
64 83.72 -
128 80.18 -
256 76.06 -
512 63.36 -
EOD
$s8 << EOD
2 90.62 -
2.99415 90.76 -
4 90.64 -
5.27835 90.68 -
8 90.46 -
12.0471 89.88 -
16 89.6 -
32 88.96 -
64 86.42 -
128 82.8 -
256 71.62 -
512 53.62 -
EOD
$s9 << EOD
2 90.2 -
2.99415 89.98 -
4 90.34 -
5.27835 90.2 -
8 89.38 -
12.0471 88.62 -
16 88.3 -
32 86.42 -
64 84.46 -
128 81.2 -
256 69.18 -
512 55.78 -
EOD
$s10 << EOD
2 92.76 f16
4 92.7 i8
8 92.56 i4
28.4444 89.24 rabitq
32 88.96 bin
EOD
plot \
  $s0 using 1:2 with linespoints lw 3.5 pt 7 ps 1.4 lc rgb '#1f77b4' title "arfc", \
  $s1 using 1:2 with linespoints lw 2 pt 5 ps 1.4 lc rgb '#ff7f0e' title "pca", \
  $s2 using 1:2 with linespoints lw 2 pt 9 ps 1.4 lc rgb '#2ca02c' title "pca+i8", \
  $s3 using 1:2 with linespoints lw 2 pt 11 ps 1.4 lc rgb '#9467bd' title "rp", \
  $s4 using 1:2 with linespoints lw 2 pt 13 ps 1.4 lc rgb '#8c564b' title "trunc", \
  $s5 using 1:2 with linespoints lw 2 pt 4 ps 1.4 lc rgb '#e377c2' title "pq", \
  $s6 using 1:2 with linespoints lw 2 pt 6 ps 1.4 lc rgb '#17becf' title "opq", \
  $s7 using 1:2 with linespoints lw 2 pt 8 ps 1.4 lc rgb '#bcbd22' title "rq", \
  $s8 using 1:2 with linespoints lw 2 pt 10 ps 1.4 lc rgb '#7f7f7f' title "ae", \
  $s9 using 1:2 with linespoints lw 2 pt 12 ps 1.4 lc rgb '#393b79' title "mrl", \
  $s10 using 1:2 with linespoints lw 2 pt 1 ps 1.4 lc rgb '#637939' title "scalar quant (f16 / i8 / i4 / bin)", \
  $s10 using 1:2:3 with labels offset 0,1.1 font ',11' notitle, \
  92.76 with lines dt 2 lw 2.5 lc rgb 'black' title "uncompressed (92.76%)"
