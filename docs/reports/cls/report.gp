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
set yrange [51.7268:95.5632]
$s0 << EOD
2 92.52 -
3.2 92.47 -
4 92.48 -
5.33333 92.47 -
8 92.51 -
12.8 92.48 -
16 92.45 -
32 92.39 -
64 92.41 -
128 92.43 -
256 92.33 -
512 92.08 -
EOD
$s1 << EOD
2 92.39 -
2.99415 92.46 -
4 92.39 -
5.27835 92.39 -
8 92.29 -
12.0471 92.39 -
16 92.27 -
32 92.41 -
64 92.36 -
128 92.11 -
256 91.11 -
512 83.28 -
EOD
$s2 << EOD
4 92.39 -
5.27835 92.39 -
8 92.29 -
12.0471 92.39 -
16 92.27 -
32 91.91 -
64 91.8 -
128 91.42 -
256 84.48 -
512 73.23 -
EOD
$s3 << EOD
2 92.34 -
2.99415 92.26 -
4 92.3 -
5.27835 92.36 -
8 92.12 -
12.0471 91.8 -
16 91.8 -
32 91.32 -
64 90.93 -
128 89.7 -
256 80.97 -
512 62.59 -
EOD
$s4 << EOD
2 92.4 -
2.99415 92.46 -
4 92.41 -
5.27835 92.34 -
8 92.3 -
12.0471 92.17 -
16 91.67 -
32 91.54 -
64 90.96 -
128 87.57 -
256 81.7 -
512 54.75 -
EOD
$s5 << EOD
4 92.39 -
8 92.33 -
16 92.38 -
32 92.3 -
64 92.13 -
128 92.18 -
256 91.88 -
512 91.69 -
EOD
$s6 << EOD
4 92.43 -
8 92.3 -
16 92.26 -
32 92.44 -
64 91.98 -
128 92.08 -
256 91.71 -
512 91.68 -
EOD
$s7 << EOD
32 92.38 -
64 92.22 -
128 92.03 -
256 91.89 -
512 91.58 -
EOD
$s8 << EOD
2 92.37 -
2.99415 92.47 -
4 92.37 -
5.27835 92.43 -
8 92.47 -
12.0471 92.49 -
16 92.35 -
32 92.28 -
64 92.54 -
128 92.3 -
256 91.9 -
512 91.59 -
EOD
$s9 << EOD
2 92.43 -
2.99415 92.37 -
4 92.41 -
5.27835 92.29 -
8 92.45 -
12.0471 92.47 -
16 92.45 -
32 92.32 -
64 92.28 -
128 92.32 -
256 91.95 -
512 91.18 -
EOD
$s10 << EOD
2 92.4 f16
4 92.4 i8
8 92.46 i4
28.4444 92.05 rabitq
32 92.01 bin
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
  92.4 with lines dt 2 lw 2.5 lc rgb 'black' title "uncompressed (92.40%)"
