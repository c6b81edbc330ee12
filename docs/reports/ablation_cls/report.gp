# arfc eval plot: cls (classification), probe_acc vs achieved ratio.
# Render: gnuplot report.gp   (or gnuplot -e "outfile='x.png'" report.gp)
if (!exists("outfile")) outfile = "report.png"
set terminal pngcairo size 1280,800 noenhanced font 'Sans,13' linewidth 1.5
set output outfile
set title "arfc eval: cls (classification, D = 256, test n = 5000)"
set xlabel "compression ratio = float32 bytes / code bytes (log scale)"
set ylabel "probe_acc (%)"
set logscale x 2
set grid xtics ytics lc rgb '#dddddd'
set key outside right center box opaque spacing 1.2 samplen 4
set xrange [1.73913:73.6]
set xtics ("2" 2, "3" 3, "4" 4, "5.3" 5.3, "8" 8, "12" 12, "16" 16, "32" 32, "64" 64)
set yrange [67.6408:94.5992]
$s0 << EOD
2 92.56 -
3.2 92.54 -
4 92.54 -
5.33333 92.52 -
8 92.58 -
12.8 92.36 -
16 92.5 -
32 91.92 -
64 91.46 -
EOD
$s1 << EOD
2 92.58 -
3.2 92.6 -
4 92.54 -
5.33333 92.6 -
8 92.58 -
12.8 92.44 -
16 92.46 -
32 91.6 -
64 90.72 -
EOD
$s2 << EOD
2 92.72 -
3.2 92.7 -
4 92.7 -
5.33333 92.74 -
8 92.66 -
12.8 92.72 -
16 92.54 -
32 91.3 -
64 90.54 -
EOD
$s3 << EOD
2 92.38 -
3.2 92.54 -
4 92.4 -
5.33333 92.48 -
8 92.42 -
12.8 92.38 -
16 92.3 -
32 91.98 -
64 91.16 -
EOD
$s4 << EOD
2 92.66 -
3.2 92.72 -
4 92.66 -
5.33333 92.74 -
8 92.68 -
12.8 92.46 -
16 92.4 -
32 92.04 -
64 91.34 -
EOD
$s5 << EOD
2 91.98 -
3.2 92.08 -
4 91.98 -
5.33333 92.04 -
8 92.2 -
12.8 92.04 -
16 91.96 -
32 91.68 -
64 91.38 -
EOD
$s6 << EOD
2 92.6 -
3.2 92.36 -
4 92.58 -
5.33333 92.46 -
8 92.42 -
12.8 92.34 -
16 92.32 -
32 91.76 -
64 90.54 -
EOD
$s7 << EOD
2 92.6 -
3.2 92.44 -
4 92.6 -
5.33333 92.48 -
8 92.34 -
12.8 92.4 -
16 92.54 -
32 91.88 -
64 91.32 -
EOD
$s8 << EOD
2 92.52 -
3.2 92.48 -
4 92.54 -
5.33333 92.52 -
8 92.36 -
12.8 92.24 -
16 91.86 -
32 91.36 -
64 90.42 -
EOD
$s9 << EOD
2 90.52 -
3.01176 90.54 -
4 90.92 -
5.33333 90.8 -
8 90.62 -
12.1905 91.04 -
16 91.08 -
32 91.12 -
64 69.5 -
EOD
plot \
  $s0 using 1:2 with linespoints lw 3.5 pt 7 ps 1.4 lc rgb '#1f77b4' title "arfc (default)", \
  $s1 using 1:2 with linespoints lw 3.5 pt 5 ps 1.4 lc rgb '#ff7f0e' title "arfc S=1 (MoS off)", \
  $s2 using 1:2 with linespoints lw 3.5 pt 9 ps 1.4 lc rgb '#2ca02c' title "arfc S=4", \
  $s3 using 1:2 with linespoints lw 3.5 pt 11 ps 1.4 lc rgb '#9467bd' title "arfc S=8", \
  $s4 using 1:2 with linespoints lw 3.5 pt 13 ps 1.4 lc rgb '#8c564b' title "arfc ERGC off", \
  $s5 using 1:2 with linespoints lw 3.5 pt 4 ps 1.4 lc rgb '#e377c2' title "arfc linear base off", \
  $s6 using 1:2 with linespoints lw 3.5 pt 6 ps 1.4 lc rgb '#17becf' title "arfc length-weighted prefixes", \
  $s7 using 1:2 with linespoints lw 3.5 pt 8 ps 1.4 lc rgb '#bcbd22' title "arfc Beta(2,5)", \
  $s8 using 1:2 with linespoints lw 3.5 pt 10 ps 1.4 lc rgb '#7f7f7f' title "arfc Beta(5,2)", \
  $s9 using 1:2 with linespoints lw 2 pt 12 ps 1.4 lc rgb '#393b79' title "pca", \
  92.62 with lines dt 2 lw 2.5 lc rgb 'black' title "uncompressed (92.62%)"
