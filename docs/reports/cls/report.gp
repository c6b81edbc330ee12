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
set yrange [32.31:96.98]
$s0 << EOD
2 92.45 -
3.2 92.47 -
4 92.46 -
5.33333 92.52 -
8 91.86 -
12.8 92.31 -
16 92.31 -
32 92.47 -
64 92.25 -
128 92.3 -
256 92.29 -
512 92.01 -
EOD
$s1 << EOD
2 92.36 -
2.99415 92.22 -
4 92.33 -
5.27835 92.26 -
8 92 -
12.0471 92.03 -
16 92.21 -
32 92.08 -
64 92.06 -
128 91.62 -
256 85.85 -
512 74.76 -
EOD
$s2 << EOD
4 92.33 -
5.27835 92.26 -
8 92 -
12.0471 92.03 -
16 92.21 -
32 92.08 -
64 92.06 -
128 91.62 -
256 85.85 -
512 74.76 -
EOD
$s3 << EOD
4 92.15 -
5.27835 92.18 -
8 91.9 -
12.0471 92 -
16 91.77 -
32 91.53 -
64 89.36 -
128 79.85 -
256 66.72 -
512 38.21 -
EOD
$s4 << EOD
4 92.33 -
5.27835 92.34 -
8 92.12 -
12.0471 92.21 -
16 92.03 -
32 91.06 -
64 87.52 -
128 81.76 -
256 58.89 -
512 36.77 -
EOD
$s5 << EOD
4 92.31 -
8 92.28 -
16 92.32 -
32 92.27 -
64 92.15 -
128 92.09 -
256 92.06 -
512 91.93 -
EOD
$s6 << EOD
4 92.3 -
8 92.21 -
16 92.07 -
32 92.32 -
64 92.06 -
128 92.21 -
256 91.64 -
512 91.86 -
EOD
$s7 << EOD
32 92.23 -
64 92.18 -
128 92.11 -
256 91.82 -
512 91.87 -
EOD
$s8 << EOD
4 92.45 -
5.27835 92.44 -
8 92.32 -
12.0471 92.5 -
16 92.27 -
32 92.44 -
64 92.4 -
128 91.98 -
256 92.07 -
512 83.97 -
EOD
$s9 << EOD
4 92.43 -
5.27835 92.35 -
8 92.45 -
12.0471 92.49 -
16 92.41 -
32 92.39 -
64 92.34 -
128 92.3 -
256 91.81 -
512 85.36 -
EOD
$s10 << EOD
2 92.34 f16
4 92.34 i8
8 92.17 i4
28.4444 92.02 rabitq
32 91.96 bin
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
  92.35 with lines dt 2 lw 2.5 lc rgb 'black' title "uncompressed (92.35%)"
