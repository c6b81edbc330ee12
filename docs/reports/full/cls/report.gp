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
set yrange [32.8336:97.3064]
$s0 << EOD
2 92.76 -
3.2 92.73 -
4 92.72 -
5.33333 92.72 -
8 92.77 -
12.8 92.73 -
16 92.68 -
32 92.68 -
64 92.71 -
128 92.56 -
256 92.61 -
512 92.42 -
EOD
$s1 << EOD
2 92.85 -
2.99415 92.74 -
4 92.73 -
5.27835 92.82 -
8 92.68 -
12.0471 92.57 -
16 92.54 -
32 92.35 -
64 92.17 -
128 91.46 -
256 84.62 -
512 74.09 -
EOD
$s2 << EOD
4 92.73 -
5.27835 92.82 -
8 92.68 -
12.0471 92.57 -
16 92.54 -
32 92.35 -
64 92.17 -
128 91.46 -
256 84.62 -
512 74.09 -
EOD
$s3 << EOD
4 92.6 -
5.27835 92.61 -
8 92.39 -
12.0471 92.27 -
16 91.95 -
32 91.72 -
64 89.53 -
128 80.33 -
256 66.83 -
512 41.76 -
EOD
$s4 << EOD
4 92.85 -
5.27835 92.67 -
8 92.56 -
12.0471 92.52 -
16 92.37 -
32 91.23 -
64 87.55 -
128 81.74 -
256 59.18 -
512 37.28 -
EOD
$s5 << EOD
4 92.81 -
8 92.82 -
16 92.71 -
32 92.74 -
64 92.34 -
128 92.13 -
256 92.09 -
512 91.9 -
EOD
$s6 << EOD
32 92.64 -
64 92.48 -
128 92.21 -
256 92.11 -
512 91.78 -
EOD
$s7 << EOD
4 92.77 -
8 92.74 -
16 92.65 -
32 92.54 -
64 92.25 -
128 92.45 -
256 92.04 -
512 91.71 -
EOD
$s8 << EOD
4 92.58 -
5.27835 92.68 -
8 92.69 -
12.0471 92.49 -
16 92.78 -
32 92.7 -
64 92.76 -
128 92.65 -
256 92.57 -
512 88.8 -
EOD
$s9 << EOD
4 92.56 -
5.27835 92.45 -
8 92.65 -
12.0471 92.71 -
16 92.62 -
32 92.69 -
64 92.64 -
128 92.64 -
256 92.43 -
512 85.2 -
EOD
$s10 << EOD
2 92.85 f16
4 92.83 i8
8 92.67 i4
28.4444 92.12 rabitq
32 92.16 bin
EOD
plot \
  $s0 using 1:2 with linespoints lw 3.5 pt 7 ps 1.4 lc rgb '#1f77b4' title "arfc", \
  $s1 using 1:2 with linespoints lw 2 pt 5 ps 1.4 lc rgb '#ff7f0e' title "pca", \
  $s2 using 1:2 with linespoints lw 2 pt 9 ps 1.4 lc rgb '#2ca02c' title "pca+i8", \
  $s3 using 1:2 with linespoints lw 2 pt 11 ps 1.4 lc rgb '#9467bd' title "rp+i8", \
  $s4 using 1:2 with linespoints lw 2 pt 13 ps 1.4 lc rgb '#8c564b' title "trunc+i8", \
  $s5 using 1:2 with linespoints lw 2 pt 4 ps 1.4 lc rgb '#e377c2' title "pq", \
  $s6 using 1:2 with linespoints lw 2 pt 6 ps 1.4 lc rgb '#17becf' title "rq", \
  $s7 using 1:2 with linespoints lw 2 pt 8 ps 1.4 lc rgb '#bcbd22' title "opq", \
  $s8 using 1:2 with linespoints lw 2 pt 10 ps 1.4 lc rgb '#7f7f7f' title "ae+i8", \
  $s9 using 1:2 with linespoints lw 2 pt 12 ps 1.4 lc rgb '#393b79' title "mrl+i8", \
  $s10 using 1:2 with linespoints lw 2 pt 1 ps 1.4 lc rgb '#637939' title "scalar quant (f16 / i8 / i4 / bin)", \
  $s10 using 1:2:3 with labels offset 0,1.1 font ',11' notitle, \
  92.86 with lines dt 2 lw 2.5 lc rgb 'black' title "uncompressed (92.86%)"
