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
set xrange [1.73913:73.6]
set xtics ("2" 2, "3" 3, "4" 4, "5.3" 5.3, "8" 8, "12" 12, "16" 16, "32" 32, "64" 64)
set yrange [30.6128:97.7072]
$s0 << EOD
2 92.02 -
3.2 91.58 -
4 91.82 -
5.33333 91.64 -
8 91.46 -
12.8 90.68 -
16 90.54 -
32 88.86 -
64 84.84 -
EOD
$s1 << EOD
2 92.36 -
3.01176 91.68 -
4 91.32 -
5.33333 90.98 -
8 90.34 -
12.1905 88.42 -
16 87.06 -
32 71.44 -
64 47.54 -
EOD
$s2 << EOD
2 91.96 -
3.01176 91.7 -
4 91.6 -
5.33333 90.72 -
8 88.86 -
12.1905 86.56 -
16 84.78 -
32 77.26 -
64 45.9 -
EOD
$s3 << EOD
2 91.62 -
3.01176 89.8 -
4 89.28 -
5.33333 88.42 -
8 83.96 -
12.1905 79 -
16 73.22 -
32 60.72 -
64 35.24 -
EOD
$s4 << EOD
4 92.74 -
8 92.64 -
16 92.44 -
32 90.4 -
64 87.08 -
EOD
$s5 << EOD
4 92.7 -
8 93.08 -
16 91.88 -
32 91.08 -
64 87.74 -
EOD
$s6 << EOD
2 84.6 -
3.01176 84.62 -
4 84.18 -
5.33333 82.74 -
8 82.44 -
12.1905 80.64 -
16 78.88 -
32 69.34 -
64 51.92 -
EOD
$s7 << EOD
2 62.36 -
3.01176 59.64 -
4 60.88 -
5.33333 59.84 -
8 60.68 -
12.1905 60.38 -
16 59.72 -
32 59.56 -
64 53.7 -
EOD
$s8 << EOD
2 85.64 -
3.01176 84.74 -
4 84.06 -
5.33333 83.4 -
8 82.06 -
12.1905 80.84 -
16 79.06 -
32 69.16 -
64 53.02 -
EOD
$s9 << EOD
2 92.72 f16
4 92.72 i8
8 92.7 i4
32 88.62 bin
EOD
plot \
  $s0 using 1:2 with linespoints lw 3.5 pt 7 ps 1.4 lc rgb '#1f77b4' title "arfc", \
  $s1 using 1:2 with linespoints lw 2 pt 5 ps 1.4 lc rgb '#ff7f0e' title "pca", \
  $s2 using 1:2 with linespoints lw 2 pt 9 ps 1.4 lc rgb '#2ca02c' title "rp", \
  $s3 using 1:2 with linespoints lw 2 pt 11 ps 1.4 lc rgb '#9467bd' title "trunc", \
  $s4 using 1:2 with linespoints lw 2 pt 13 ps 1.4 lc rgb '#8c564b' title "pq", \
  $s5 using 1:2 with linespoints lw 2 pt 4 ps 1.4 lc rgb '#e377c2' title "opq", \
  $s6 using 1:2 with linespoints lw 2 pt 6 ps 1.4 lc rgb '#17becf' title "ae", \
  $s7 using 1:2 with linespoints lw 2 pt 8 ps 1.4 lc rgb '#bcbd22' title "qformer", \
  $s8 using 1:2 with linespoints lw 2 pt 10 ps 1.4 lc rgb '#7f7f7f' title "mrl", \
  $s9 using 1:2 with linespoints lw 2 pt 12 ps 1.4 lc rgb '#393b79' title "scalar quant (f16 / i8 / i4 / bin)", \
  $s9 using 1:2:3 with labels offset 0,1.1 font ',11' notitle, \
  92.74 with lines dt 2 lw 2.5 lc rgb 'black' title "uncompressed (92.74%)"
