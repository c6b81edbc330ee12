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
set yrange [16.5328:98.7072]
$s0 << EOD
2 92.72 -
3.2 92.56 -
4 92.8 -
5.33333 92.66 -
8 91.96 -
12.8 91.44 -
16 90.92 -
32 89.3 -
64 85.4 -
128 80.86 -
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
32 89.14 -
64 86.18 -
128 71.04 -
256 49.52 -
512 35.36 -
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
4 92.6 -
5.27835 92.7 -
8 91.92 -
12.0471 91.22 -
16 90.78 -
32 87.88 -
64 83.46 -
128 72.26 -
256 43 -
512 30.34 -
EOD
$s4 << EOD
4 92.74 -
5.27835 92.56 -
8 91.82 -
12.0471 90.5 -
16 89.82 -
32 87.06 -
64 74.24 -
128 59.82 -
256 34.8 -
512 22.2 -
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
4 90.64 -
5.27835 90.68 -
8 90.46 -
12.0471 89.88 -
16 89.6 -
32 87.92 -
64 85.64 -
128 73.6 -
256 52.08 -
512 33.64 -
EOD
$s9 << EOD
4 90.1 -
5.27835 89.66 -
8 89.14 -
12.0471 88.52 -
16 88.1 -
32 86.74 -
64 84.08 -
128 74.34 -
256 50.76 -
512 37.64 -
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
  $s3 using 1:2 with linespoints lw 2 pt 11 ps 1.4 lc rgb '#9467bd' title "rp+i8", \
  $s4 using 1:2 with linespoints lw 2 pt 13 ps 1.4 lc rgb '#8c564b' title "trunc+i8", \
  $s5 using 1:2 with linespoints lw 2 pt 4 ps 1.4 lc rgb '#e377c2' title "pq", \
  $s6 using 1:2 with linespoints lw 2 pt 6 ps 1.4 lc rgb '#17becf' title "opq", \
  $s7 using 1:2 with linespoints lw 2 pt 8 ps 1.4 lc rgb '#bcbd22' title "rq", \
  $s8 using 1:2 with linespoints lw 2 pt 10 ps 1.4 lc rgb '#7f7f7f' title "ae+i8", \
  $s9 using 1:2 with linespoints lw 2 pt 12 ps 1.4 lc rgb '#393b79' title "mrl+i8", \
  $s10 using 1:2 with linespoints lw 2 pt 1 ps 1.4 lc rgb '#637939' title "scalar quant (f16 / i8 / i4 / bin)", \
  $s10 using 1:2:3 with labels offset 0,1.1 font ',11' notitle, \
  92.76 with lines dt 2 lw 2.5 lc rgb 'black' title "uncompressed (92.76%)"
