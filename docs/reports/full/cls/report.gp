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
set xrange [1.73913:588.8]
set xtics ("2" 2, "3" 3, "4" 4, "5.3" 5.3, "8" 8, "12" 12, "16" 16, "32" 32, "64" 64, "128" 128, "256" 256, "512" 512)
set yrange [55.5936:95.4164]
$s0 << EOD
2 92.5 -
3.2 92.5 -
4 92.53 -
5.33333 92.51 -
8 92.47 -
12.8 92.59 -
16 92.59 -
32 92.62 -
64 92.55 -
128 92.56 -
256 92.14 -
512 91.85 -
EOD
$s1 << EOD
2 92.5 -
2.99415 92.4 -
4 92.53 -
5.27835 92.56 -
8 92.62 -
12.0471 92.6 -
16 92.5 -
32 92.5 -
64 92.59 -
128 92.26 -
256 91.25 -
512 86.63 -
EOD
$s2 << EOD
4 92.53 -
5.27835 92.56 -
8 92.62 -
12.0471 92.6 -
16 92.5 -
32 92.49 -
64 92.14 -
128 91.28 -
256 87.19 -
512 72.79 -
EOD
$s3 << EOD
2 92.58 -
2.99415 92.5 -
4 92.62 -
5.27835 92.66 -
8 92.5 -
12.0471 92.41 -
16 91.99 -
32 92.01 -
64 91.48 -
128 90.12 -
256 80.95 -
512 65.73 -
EOD
$s4 << EOD
2 92.51 -
2.99415 92.11 -
4 92.52 -
5.27835 92.4 -
8 92.22 -
12.0471 92.23 -
16 92.15 -
32 92.32 -
64 90.84 -
128 87.12 -
256 80.72 -
512 58.34 -
EOD
$s5 << EOD
4 92.55 -
8 92.49 -
16 92.42 -
32 92.53 -
64 92.47 -
128 92.18 -
256 92.02 -
512 91.82 -
EOD
$s6 << EOD
4 92.27 -
8 92.54 -
16 92.58 -
32 92.51 -
64 92.29 -
128 92.28 -
256 91.92 -
512 91.63 -
EOD
$s7 << EOD
32 92.58 -
64 92.49 -
128 92.45 -
256 92.27 -
512 91.93 -
EOD
$s8 << EOD
2 92.44 -
2.99415 92.39 -
4 92.43 -
5.27835 92.53 -
8 92.35 -
12.0471 92.51 -
16 92.48 -
32 92.46 -
64 92.46 -
128 92.56 -
256 92.53 -
512 92.32 -
EOD
$s9 << EOD
2 92.29 -
2.99415 92.5 -
4 92.46 -
5.27835 92.28 -
8 92.43 -
12.0471 92.27 -
16 92.36 -
32 92.67 -
64 92.53 -
128 92.56 -
256 92.31 -
512 92.09 -
EOD
$s10 << EOD
2 92.51 f16
4 92.51 i8
8 92.59 i4
28.4444 92.18 rabitq
32 92.14 bin
EOD
plot \
  $s0 using 1:2 with linespoints lw 3.5 pt 7 ps 1.4 lc rgb '#1f77b4' title "arfc", \
  $s1 using 1:2 with linespoints lw 2 pt 5 ps 1.4 lc rgb '#ff7f0e' title "pca", \
  $s2 using 1:2 with linespoints lw 2 pt 9 ps 1.4 lc rgb '#2ca02c' title "pca+i8", \
  $s3 using 1:2 with linespoints lw 2 pt 11 ps 1.4 lc rgb '#9467bd' title "rp", \
  $s4 using 1:2 with linespoints lw 2 pt 13 ps 1.4 lc rgb '#8c564b' title "trunc", \
  $s5 using 1:2 with linespoints lw 2 pt 4 ps 1.4 lc rgb '#e377c2' title "opq", \
  $s6 using 1:2 with linespoints lw 2 pt 6 ps 1.4 lc rgb '#17becf' title "pq", \
  $s7 using 1:2 with linespoints lw 2 pt 8 ps 1.4 lc rgb '#bcbd22' title "rq", \
  $s8 using 1:2 with linespoints lw 2 pt 10 ps 1.4 lc rgb '#7f7f7f' title "ae", \
  $s9 using 1:2 with linespoints lw 2 pt 12 ps 1.4 lc rgb '#393b79' title "mrl", \
  $s10 using 1:2 with linespoints lw 2 pt 1 ps 1.4 lc rgb '#637939' title "scalar quant (f16 / i8 / i4 / bin)", \
  $s10 using 1:2:3 with labels offset 0,1.1 font ',11' notitle, \
  92.51 with lines dt 2 lw 2.5 lc rgb 'black' title "uncompressed (92.51%)"
