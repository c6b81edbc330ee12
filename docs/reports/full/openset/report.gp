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
set yrange [16.564:98.576]
$s0 << EOD
2 92.74 -
3.2 92.24 -
4 92.7 -
5.33333 92.46 -
8 92.12 -
12.8 91.36 -
16 91.18 -
32 89.04 -
64 86.08 -
128 80.98 -
256 76.22 -
512 59.42 -
EOD
$s1 << EOD
2 92.72 -
2.99415 92.5 -
4 92.72 -
5.27835 92.58 -
8 91.92 -
12.0471 91.4 -
16 91.16 -
32 89.02 -
64 86.26 -
128 70.86 -
256 49.5 -
512 35.76 -
EOD
$s2 << EOD
4 92.72 -
5.27835 92.58 -
8 91.92 -
12.0471 91.4 -
16 91.16 -
32 89.02 -
64 86.26 -
128 70.86 -
256 49.5 -
512 35.76 -
EOD
$s3 << EOD
4 92.54 -
5.27835 92.68 -
8 92 -
12.0471 91.34 -
16 90.68 -
32 87.9 -
64 83.2 -
128 72.54 -
256 43.78 -
512 31.46 -
EOD
$s4 << EOD
4 92.76 -
5.27835 92.64 -
8 92.02 -
12.0471 90.36 -
16 89.86 -
32 86.96 -
64 74.44 -
128 60.1 -
256 34.84 -
512 22.22 -
EOD
$s5 << EOD
4 92.9 -
8 92.86 -
16 91.12 -
32 88.76 -
64 83.36 -
128 76.06 -
256 68.68 -
512 59.7 -
EOD
$s6 << EOD
4 92.72 -
8 92.74 -
16 91.54 -
32 89.54 -
64 85.48 -
128 82.04 -
256 73.88 -
512 60.86 -
EOD
$s7 << EOD
32 87.76 -
64 84.9 -
128 80.98 -
256 74.76 -
512 64.68 -
EOD
$s8 << EOD
4 91.92 -
5.27835 91.84 -
8 91.62 -
12.0471 91.62 -
16 91.3 -
32 89.44 -
64 86.62 -
128 75 -
256 52.52 -
512 36.38 -
EOD
$s9 << EOD
4 91.6 -
5.27835 91.36 -
8 90.92 -
12.0471 90.72 -
16 90.34 -
32 88.74 -
64 85.52 -
128 73.46 -
256 51.3 -
512 35.8 -
EOD
$s10 << EOD
2 92.76 f16
4 92.68 i8
8 92.92 i4
28.4444 89.6 rabitq
32 88.52 bin
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
