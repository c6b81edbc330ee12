# arfc eval plot: cls (classification), probe_acc vs achieved ratio.
# Render: gnuplot report.gp   (or gnuplot -e "outfile='x.png'" report.gp)
if (!exists("outfile")) outfile = "report.png"
set terminal pngcairo size 1280,800 noenhanced font 'Sans,13' linewidth 1.5
set output outfile
set title "arfc eval: cls (classification, D = 256, test n = 10000)"
set xlabel "compression ratio = float32 bytes / code bytes (log scale)"
set ylabel "probe_acc (%)"
set logscale x 2
set grid xtics ytics lc rgb '#dddddd'
set key outside right center box opaque spacing 1.2 samplen 4
set xrange [1.73913:73.6]
set xtics ("2" 2, "3" 3, "4" 4, "5.3" 5.3, "8" 8, "12" 12, "16" 16, "32" 32, "64" 64)
set yrange [49.7288:95.7112]
$s0 << EOD
2 92.54 -
3.2 92.54 -
4 92.52 -
5.33333 92.51 -
8 92.37 -
12.8 92.46 -
16 92.38 -
32 91.93 -
64 91.28 -
EOD
$s1 << EOD
2 91.76 -
3.01176 91.87 -
4 91.77 -
5.33333 91.82 -
8 91.82 -
12.1905 91.87 -
16 91.64 -
32 90.98 -
64 76.57 -
EOD
$s2 << EOD
2 92.02 -
3.01176 92.12 -
4 91.86 -
5.33333 91.58 -
8 91.06 -
12.1905 89.83 -
16 87.96 -
32 78.78 -
64 62.63 -
EOD
$s3 << EOD
2 92.25 -
3.01176 92.05 -
4 91.96 -
5.33333 91.28 -
8 90.48 -
12.1905 88.83 -
16 86.78 -
32 78.98 -
64 52.9 -
EOD
$s4 << EOD
4 92.43 -
8 92.41 -
16 92.52 -
32 92.46 -
64 92.46 -
EOD
$s5 << EOD
4 92.45 -
8 92.49 -
16 92.32 -
32 92.37 -
64 92.25 -
EOD
$s6 << EOD
2 92.38 -
3.01176 92.18 -
4 92.32 -
5.33333 92.4 -
8 92.31 -
12.1905 92.25 -
16 92.23 -
32 91.81 -
64 89.39 -
EOD
$s7 << EOD
2 92.14 -
3.01176 92.13 -
4 92.25 -
5.33333 92.03 -
8 92.2 -
12.1905 92.13 -
16 92.03 -
32 91.47 -
64 88.47 -
EOD
$s8 << EOD
2 92.38 -
3.01176 92.36 -
4 92.43 -
5.33333 92.35 -
8 92.44 -
12.1905 92.23 -
16 92.18 -
32 91.97 -
64 89.69 -
EOD
$s9 << EOD
2 92.46 f16
4 92.46 i8
8 92.47 i4
32 92.03 bin
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
  92.46 with lines dt 2 lw 2.5 lc rgb 'black' title "uncompressed (92.46%)"
