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
set xrange [1.73471:901.6]
set xtics ("2" 2, "3" 3, "4" 4, "5.3" 5.3, "8" 8, "12" 12, "16" 16, "32" 32, "64" 64, "128" 128, "256" 256, "512" 512)
set yrange [82.79:90.98]
$s0 << EOD
4 84.79 -
8 84.81 -
16 84.57 -
32 84.46 -
64 84.6 -
196 84.77 -
392 84.6 -
784 83.79 -
EOD
$s1 << EOD
1.99491 89.81 -
2.98667 89.96 -
3.98982 89.81 -
5.27946 89.71 -
7.97964 89.84 -
11.9695 89.71 -
16 89.62 -
32 89.66 -
64 89.53 -
130.667 89.71 -
261.333 89.2 -
522.667 89.32 -
EOD
$s2 << EOD
1.99491 89.93 -
2.98667 89.94 -
3.98982 89.92 -
5.27946 89.93 -
7.97964 89.96 -
11.9695 89.9 -
16 89.98 -
32 89.63 -
64 89.77 -
130.667 89.96 -
261.333 89.51 -
522.667 89.16 -
EOD
plot \
  $s0 using 1:2 with linespoints lw 2 pt 7 ps 1.4 lc rgb '#1f77b4' title "opq", \
  $s1 using 1:2 with linespoints lw 2 pt 5 ps 1.4 lc rgb '#ff7f0e' title "ae", \
  $s2 using 1:2 with linespoints lw 2 pt 9 ps 1.4 lc rgb '#2ca02c' title "mrl", \
  84.54 with lines dt 2 lw 2.5 lc rgb 'black' title "uncompressed (84.54%)"
