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
set xrange [1.73471:601.067]
set xtics ("2" 2, "3" 3, "4" 4, "5.3" 5.3, "8" 8, "12" 12, "16" 16, "32" 32, "64" 64, "128" 128, "256" 256, "512" 512)
set yrange [74.4696:91.1504]
$s0 << EOD
2 89.61 -
3.2 89.57 -
4 89.65 -
5.33333 89.63 -
8 89.61 -
12.8 89.49 -
16 89.65 -
32 89.66 -
64 89.61 -
130.667 89.45 -
261.333 89.37 -
522.667 89.26 -
EOD
$s1 << EOD
1.99491 89.83 -
2.98667 89.95 -
3.98982 89.82 -
5.27946 89.7 -
7.97964 89.85 -
11.9695 89.59 -
16 89.64 -
32 89.68 -
64 89.49 -
130.667 89.75 -
261.333 89.26 -
522.667 89.35 -
EOD
$s2 << EOD
1.99491 89.93 -
2.98667 89.94 -
3.98982 89.92 -
5.27946 89.95 -
7.97964 89.93 -
11.9695 89.9 -
16 90 -
32 89.61 -
64 89.79 -
130.667 89.92 -
261.333 89.49 -
522.667 89.17 -
EOD
$s3 << EOD
1.99491 84.27 -
2.98667 84.46 -
3.98982 84.28 -
5.27946 84.59 -
7.97964 84.3 -
11.9695 84.49 -
16 84.45 -
32 84.24 -
64 83.76 -
130.667 82.17 -
261.333 80.26 -
522.667 75.62 -
EOD
plot \
  $s0 using 1:2 with linespoints lw 3.5 pt 7 ps 1.4 lc rgb '#1f77b4' title "arfc", \
  $s1 using 1:2 with linespoints lw 2 pt 5 ps 1.4 lc rgb '#ff7f0e' title "ae", \
  $s2 using 1:2 with linespoints lw 2 pt 9 ps 1.4 lc rgb '#2ca02c' title "mrl", \
  $s3 using 1:2 with linespoints lw 2 pt 11 ps 1.4 lc rgb '#9467bd' title "pca", \
  84.55 with lines dt 2 lw 2.5 lc rgb 'black' title "uncompressed (84.55%)"
