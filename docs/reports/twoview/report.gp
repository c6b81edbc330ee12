# arfc eval plot: twoview (crossmodal), R@1 mean vs achieved ratio.
# Render: gnuplot report.gp   (or gnuplot -e "outfile='x.png'" report.gp)
if (!exists("outfile")) outfile = "report.png"
set terminal pngcairo size 1280,800 noenhanced font 'Sans,13' linewidth 1.5
set output outfile
set title "arfc eval: twoview (crossmodal, D = 256, test n = 3000)"
set xlabel "compression ratio = float32 bytes / code bytes (log scale)"
set ylabel "R@1 mean (%)"
set logscale x 2
set grid xtics ytics lc rgb '#dddddd'
set key outside right center box opaque spacing 1.2
set xrange [1.73913:73.6]
set xtics ("4" 4, "8" 8, "16" 16, "32" 32, "64" 64)
$s0 << EOD
4 0.966667 -
8 1.3 -
16 1.31667 -
32 1.33333 -
64 1.2 -
EOD
$s1 << EOD
4 81.55 -
8 79.8 -
16 68.4333 -
32 35.05 -
64 4.45 -
EOD
$s2 << EOD
4 72.3333 -
8 61.6 -
16 39.3833 -
32 12.2667 -
64 1.13333 -
EOD
$s3 << EOD
4 74.2667 -
8 63.5167 -
16 39.4167 -
32 12.0833 -
64 1.35 -
EOD
$s4 << EOD
4 81.8 -
8 81.6833 -
16 80.8167 -
32 76.6167 -
64 65.7667 -
EOD
$s5 << EOD
4 81.7667 -
8 81.5667 -
16 81.0667 -
32 79.9 -
64 78.0833 -
EOD
$s6 << EOD
4 74.0833 -
8 71.8667 -
16 63.1833 -
32 36.4333 -
64 3.98333 -
EOD
$s7 << EOD
4 0.35 -
8 0.9 -
16 0.55 -
32 0.183333 -
64 0.0666667 -
EOD
$s8 << EOD
4 70.1333 -
8 67.7667 -
16 60.9833 -
32 33.95 -
64 3.6 -
EOD
$s9 << EOD
2 81.8667 f16
4 81.85 i8
8 81.7333 i4
32 71.15 bin
EOD
plot \
  $s0 using 1:2 with linespoints lw 3.5 pt 7 ps 1.4 lc rgb '#1f77b4' title "arfc", \
  $s1 using 1:2 with linespoints lw 2 pt 5 ps 1.4 lc rgb '#ff7f0e' title "pca", \
  $s2 using 1:2 with linespoints lw 2 pt 9 ps 1.4 lc rgb '#2ca02c' title "rp", \
  $s3 using 1:2 with linespoints lw 2 pt 11 ps 1.4 lc rgb '#9467bd' title "trunc", \
  $s4 using 1:2 with linespoints lw 2 pt 13 ps 1.4 lc rgb '#8c564b' title "pq", \
  $s5 using 1:2 with linespoints lw 2 pt 4 ps 1.4 lc rgb '#e377c2' title "opq", \
  $s6 using 1:2 with linespoints lw 2 pt 6 ps 1.4 lc rgb '#17becf' title "ae", \
  $s7 using 1:2 with linespoints lw 2 pt 8 ps 1.4 lc rgb '#bcbd22' title "qformer", \
  $s8 using 1:2 with linespoints lw 2 pt 10 ps 1.4 lc rgb '#7f7f7f' title "mrl", \
  $s9 using 1:2 with linespoints lw 2 pt 12 ps 1.4 lc rgb '#393b79' title "scalar quant (f16 / i8 / i4 / bin)", \
  $s9 using 1:2:3 with labels offset 0,1.1 font ',11' notitle, \
  81.8667 with lines dt 2 lw 2.5 lc rgb 'black' title "uncompressed (81.87%)"
