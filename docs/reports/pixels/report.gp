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
set yrange [6.0032:91.7968]
$s0 << EOD
2 84.78 -
3.2 84.76 -
4 84.73 -
5.33333 84.77 -
8 84.58 -
12.8 84.1 -
16 84.38 -
32 84.73 -
64 84.55 -
130.667 84.49 -
261.333 84.46 -
522.667 83.37 -
EOD
$s1 << EOD
1.99491 83.15 -
2.98667 83.36 -
3.98982 83.15 -
5.27946 83.37 -
7.97964 83.23 -
11.9695 83.06 -
16 83.39 -
32 83.14 -
64 82.2 -
130.667 80.86 -
261.333 76.32 -
522.667 71.21 -
EOD
$s2 << EOD
4 83.51 -
5.27946 83.37 -
7.97964 83.23 -
11.9695 83.06 -
16 83.39 -
32 83.14 -
64 82.2 -
130.667 80.86 -
261.333 76.32 -
522.667 71.21 -
EOD
$s3 << EOD
4 83.05 -
5.27946 82.98 -
7.97964 82.53 -
11.9695 82.15 -
16 81.62 -
32 79.96 -
64 78.4 -
130.667 72.12 -
261.333 63.88 -
522.667 57.15 -
EOD
$s4 << EOD
4 83.42 -
5.27946 81.48 -
7.97964 78.2 -
11.9695 69.33 -
16 63.61 -
32 50.93 -
64 44.2 -
130.667 32.06 -
261.333 25.37 -
522.667 11.92 -
EOD
$s5 << EOD
4 83.42 -
8 83.56 -
16 83.55 -
32 83.47 -
64 83.75 -
196 82.92 -
392 82.95 -
784 80.87 -
EOD
$s6 << EOD
4 83.43 -
8 83.42 -
16 83.25 -
32 82.42 -
64 82.88 -
196 82.82 -
392 82.72 -
784 82.21 -
EOD
$s7 << EOD
130.667 83.19 -
261.333 82.83 -
522.667 82.3 -
EOD
$s8 << EOD
4 85.57 -
5.27946 85.79 -
7.97964 85.42 -
11.9695 85.88 -
16 85.27 -
32 84.64 -
64 84.38 -
130.667 84.3 -
261.333 83.26 -
522.667 81.14 -
EOD
$s9 << EOD
4 85.49 -
5.27946 85.42 -
7.97964 85.18 -
11.9695 84.35 -
16 84.51 -
32 84.76 -
64 84.55 -
130.667 84.05 -
261.333 83.9 -
522.667 82.09 -
EOD
$s10 << EOD
2 83.45 f16
4 83.45 i8
8 83.46 i4
30.7451 83.36 rabitq
32 81.71 bin
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
  83.44 with lines dt 2 lw 2.5 lc rgb 'black' title "uncompressed (83.44%)"
