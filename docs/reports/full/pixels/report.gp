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
set yrange [18.5596:95.2704]
$s0 << EOD
2 89.07 -
3.2 89.12 -
4 89.08 -
5.33333 89.16 -
8 89.11 -
12.8 89.07 -
16 89.34 -
32 89.31 -
64 89.11 -
130.667 89.11 -
261.333 89.01 -
522.667 88.87 -
EOD
$s1 << EOD
1.99491 84.28 -
2.98667 84.46 -
3.98982 84.42 -
5.27946 84.55 -
7.97964 84.43 -
11.9695 84.5 -
16 84.43 -
32 84.26 -
64 83.75 -
130.667 82.19 -
261.333 80.25 -
522.667 75.61 -
EOD
$s2 << EOD
4 84.56 -
5.27946 84.55 -
7.97964 84.43 -
11.9695 84.5 -
16 84.43 -
32 84.15 -
64 83.01 -
130.667 80.98 -
261.333 76.71 -
522.667 71.21 -
EOD
$s3 << EOD
1.99491 84.42 -
2.98667 84.47 -
3.98982 84.41 -
5.27946 84.35 -
7.97964 84.37 -
11.9695 83.84 -
16 83.65 -
32 82.79 -
64 81.43 -
130.667 78.58 -
261.333 71.99 -
522.667 63.39 -
EOD
$s4 << EOD
1.99491 79.15 -
2.98667 81.8 -
3.98982 79.25 -
5.27946 82.89 -
7.97964 79.17 -
11.9695 70.27 -
16 65.12 -
32 65.2 -
64 51.82 -
130.667 43.52 -
261.333 34.61 -
522.667 23.85 -
EOD
$s5 << EOD
4 84.8 -
8 84.89 -
16 84.93 -
32 85.18 -
64 84.82 -
196 84.69 -
392 85.04 -
784 84.08 -
EOD
$s6 << EOD
130.667 84.47 -
261.333 84.3 -
522.667 83.76 -
EOD
$s7 << EOD
4 84.79 -
8 84.81 -
16 84.57 -
32 84.46 -
64 84.6 -
196 84.77 -
392 84.6 -
784 83.79 -
EOD
$s8 << EOD
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
$s9 << EOD
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
$s10 << EOD
2 84.54 f16
4 84.53 i8
8 84.64 i4
30.7451 84.68 rabitq
32 82.9 bin
EOD
plot \
  $s0 using 1:2 with linespoints lw 3.5 pt 7 ps 1.4 lc rgb '#1f77b4' title "arfc", \
  $s1 using 1:2 with linespoints lw 2 pt 5 ps 1.4 lc rgb '#ff7f0e' title "pca", \
  $s2 using 1:2 with linespoints lw 2 pt 9 ps 1.4 lc rgb '#2ca02c' title "pca+i8", \
  $s3 using 1:2 with linespoints lw 2 pt 11 ps 1.4 lc rgb '#9467bd' title "rp", \
  $s4 using 1:2 with linespoints lw 2 pt 13 ps 1.4 lc rgb '#8c564b' title "trunc", \
  $s5 using 1:2 with linespoints lw 2 pt 4 ps 1.4 lc rgb '#e377c2' title "pq", \
  $s6 using 1:2 with linespoints lw 2 pt 6 ps 1.4 lc rgb '#17becf' title "rq", \
  $s7 using 1:2 with linespoints lw 2 pt 8 ps 1.4 lc rgb '#bcbd22' title "opq", \
  $s8 using 1:2 with linespoints lw 2 pt 10 ps 1.4 lc rgb '#7f7f7f' title "ae", \
  $s9 using 1:2 with linespoints lw 2 pt 12 ps 1.4 lc rgb '#393b79' title "mrl", \
  $s10 using 1:2 with linespoints lw 2 pt 1 ps 1.4 lc rgb '#637939' title "scalar quant (f16 / i8 / i4 / bin)", \
  $s10 using 1:2:3 with labels offset 0,1.1 font ',11' notitle, \
  84.54 with lines dt 2 lw 2.5 lc rgb 'black' title "uncompressed (84.54%)"
