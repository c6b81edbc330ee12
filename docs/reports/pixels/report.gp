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
set yrange [18.4996:90.8604]
$s0 << EOD
2 84.77 -
3.2 84.76 -
4 84.73 -
5.33333 84.78 -
8 84.57 -
12.8 84.11 -
16 84.31 -
32 84.17 -
64 84.41 -
130.667 84.41 -
261.333 84.34 -
522.667 83.52 -
EOD
$s1 << EOD
1.99491 83.15 -
2.98667 83.38 -
3.98982 83.15 -
5.27946 83.37 -
7.97964 83.24 -
11.9695 83.07 -
16 83.4 -
32 82.72 -
64 82.48 -
130.667 81.49 -
261.333 79.94 -
522.667 75.97 -
EOD
$s2 << EOD
4 83.51 -
5.27946 83.37 -
7.97964 83.24 -
11.9695 83.07 -
16 83.4 -
32 83.13 -
64 82.18 -
130.667 80.9 -
261.333 76.31 -
522.667 71.19 -
EOD
$s3 << EOD
1.99491 82.52 -
2.98667 82.87 -
3.98982 82.54 -
5.27946 82.97 -
7.97964 82.54 -
11.9695 82.15 -
16 81.62 -
32 81.26 -
64 80.14 -
130.667 77.82 -
261.333 71.7 -
522.667 62.45 -
EOD
$s4 << EOD
1.99491 78.18 -
2.98667 80.65 -
3.98982 78.19 -
5.27946 81.48 -
7.97964 78.2 -
11.9695 69.32 -
16 63.51 -
32 63.54 -
64 50.96 -
130.667 43.2 -
261.333 31.91 -
522.667 23.49 -
EOD
$s5 << EOD
4 83.42 -
8 83.56 -
16 83.55 -
32 83.45 -
64 83.66 -
196 82.92 -
392 83.03 -
784 81.01 -
EOD
$s6 << EOD
4 83.48 -
8 83.45 -
16 83.29 -
32 83.33 -
64 83.34 -
196 82.74 -
392 82.59 -
784 82.16 -
EOD
$s7 << EOD
130.667 83.46 -
261.333 82.76 -
522.667 82.51 -
EOD
$s8 << EOD
1.99491 85.22 -
2.98667 85.61 -
3.98982 85.2 -
5.27946 85.79 -
7.97964 85.43 -
11.9695 85.87 -
16 85.26 -
32 84.51 -
64 84.79 -
130.667 84.46 -
261.333 83.64 -
522.667 82.42 -
EOD
$s9 << EOD
1.99491 85.44 -
2.98667 85.61 -
3.98982 85.45 -
5.27946 85.07 -
7.97964 85.43 -
11.9695 85.34 -
16 85.2 -
32 84.61 -
64 84.33 -
130.667 84.15 -
261.333 84.13 -
522.667 83.34 -
EOD
$s10 << EOD
2 83.46 f16
4 83.45 i8
8 83.46 i4
30.7451 83.36 rabitq
32 81.71 bin
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
  83.44 with lines dt 2 lw 2.5 lc rgb 'black' title "uncompressed (83.44%)"
