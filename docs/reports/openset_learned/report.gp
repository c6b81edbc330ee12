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
set yrange [46.568:96.332]
$s0 << EOD
2 92.9 -
3.2 92.28 -
4 92.8 -
5.33333 92.7 -
8 92.14 -
12.8 91.64 -
16 91.3 -
32 89.9 -
64 86.66 -
EOD
$s1 << EOD
2 90.64 -
3.01176 89.8 -
4 89.46 -
5.33333 88.64 -
8 88.76 -
12.1905 86.82 -
16 85.54 -
32 75.24 -
64 51.42 -
EOD
$s2 << EOD
2 74.28 -
3.01176 73.16 -
4 72.42 -
5.33333 72.56 -
8 73.26 -
12.1905 72.88 -
16 71.86 -
32 62.6 -
64 52.86 -
EOD
$s3 << EOD
2 89.84 -
3.01176 89.54 -
4 88.84 -
5.33333 88.26 -
8 87.64 -
12.1905 85.72 -
16 83.54 -
32 72.22 -
64 50 -
EOD
plot \
  $s0 using 1:2 with linespoints lw 3.5 pt 7 ps 1.4 lc rgb '#1f77b4' title "arfc", \
  $s1 using 1:2 with linespoints lw 2 pt 5 ps 1.4 lc rgb '#ff7f0e' title "ae", \
  $s2 using 1:2 with linespoints lw 2 pt 9 ps 1.4 lc rgb '#2ca02c' title "qformer", \
  $s3 using 1:2 with linespoints lw 2 pt 11 ps 1.4 lc rgb '#9467bd' title "mrl", \
  92.74 with lines dt 2 lw 2.5 lc rgb 'black' title "uncompressed (92.74%)"
