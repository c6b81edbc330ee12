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
set xrange [1.73913:588.8]
set xtics ("2" 2, "3" 3, "4" 4, "5.3" 5.3, "8" 8, "12" 12, "16" 16, "32" 32, "64" 64, "128" 128, "256" 256, "512" 512)
set yrange [27.6291:97.4449]
$s0 << EOD
2 92.32 -
3.2 91.72 -
4 92.3 -
5.33333 91.98 -
8 91.66 -
12.8 91.4 -
16 91.04 -
32 89.82 -
64 88.08 -
128 82.78 -
256 76.0452 -
512 62.1933 -
EOD
$s1 << EOD
2 92.38 -
2.99415 91.94 -
4 92.3 -
5.27835 92.04 -
8 91.72 -
12.0471 91.22 -
16 90.68 -
32 90 -
64 88.94 -
128 82.29 -
256 69.432 -
512 50.8258 -
EOD
$s2 << EOD
4 92.3 -
5.27835 92.04 -
8 91.72 -
12.0471 91.22 -
16 90.68 -
32 90.06 -
64 85.64 -
128 69.77 -
256 48.36 -
512 32.4439 -
EOD
$s3 << EOD
2 91.5 -
2.99415 91.68 -
4 91.54 -
5.27835 91.9 -
8 91.24 -
12.0471 90.42 -
16 90.22 -
32 89.6 -
64 86.98 -
128 82.06 -
256 67.9133 -
512 45.3359 -
EOD
$s4 << EOD
2 92.48 -
2.99415 92.46 -
4 92.47 -
5.27835 92.63 -
8 91.16 -
12.0471 90.32 -
16 89.64 -
32 88.62 -
64 80.73 -
128 71.2 -
256 59.5376 -
512 36.248 -
EOD
$s5 << EOD
4 92.54 -
8 92.38 -
16 91.24 -
32 89.04 -
64 83.1167 -
128 76.8512 -
256 65.5883 -
512 55.0851 -
EOD
$s6 << EOD
32 87.6 -
64 84.02 -
128 79.7233 -
256 73.41 -
512 60.8777 -
EOD
$s7 << EOD
4 92.5 -
8 92.42 -
16 91.14 -
32 88.48 -
64 84.76 -
128 78.8063 -
256 71.5315 -
512 58.408 -
EOD
$s8 << EOD
2 91.5 -
2.99415 90.96 -
4 91.58 -
5.27835 91.28 -
8 91.06 -
12.0471 90.43 -
16 90.46 -
32 90.07 -
64 87.96 -
128 81.59 -
256 71.2822 -
512 52.1088 -
EOD
$s9 << EOD
2 91.1 -
2.99415 90.54 -
4 91.06 -
5.27835 90.68 -
8 90.58 -
12.0471 90.2 -
16 89.54 -
32 89.15 -
64 87.88 -
128 81.26 -
256 73.0977 -
512 52.5664 -
EOD
$s10 << EOD
2 92.48 f16
4 92.58 i8
8 92.58 i4
28.4444 88.18 rabitq
32 88.5546 bin
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
  92.48 with lines dt 2 lw 2.5 lc rgb 'black' title "uncompressed (92.48%)"
