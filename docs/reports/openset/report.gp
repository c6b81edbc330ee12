# arfc eval plot: openset (retrieval), R@1 vs achieved ratio.
# Render: gnuplot report.gp   (or gnuplot -e "outfile='x.png'" report.gp)
if (!exists("outfile")) outfile = "report.png"
set terminal pngcairo size 1280,800 noenhanced font 'Sans,13' linewidth 1.5
set output outfile
set title "arfc eval: openset (retrieval, D = 256, test n = 3000)"
set xlabel "compression ratio = float32 bytes / code bytes (log scale)"
set ylabel "R@1 (%)"
set logscale x 2
set grid xtics ytics lc rgb '#dddddd'
set key outside right center box opaque spacing 1.2
set xrange [1.73913:73.6]
set xtics ("4" 4, "8" 8, "16" 16, "32" 32, "64" 64)
$s0 << EOD
4 51.7667 -
8 52.3333 -
16 52.5333 -
32 52.6667 -
64 53.3 -
EOD
$s1 << EOD
4 90.7333 -
8 89.5667 -
16 86.2 -
32 70.2 -
64 47.2 -
EOD
$s2 << EOD
4 90.8667 -
8 88.3333 -
16 84.2667 -
32 76.2667 -
64 46.2667 -
EOD
$s3 << EOD
4 88.8333 -
8 83.5333 -
16 72.8 -
32 60.6333 -
64 34.3333 -
EOD
$s4 << EOD
4 92.5333 -
8 92.3667 -
16 91.5333 -
32 89.6667 -
64 86.9 -
EOD
$s5 << EOD
4 92.5333 -
8 92.3333 -
16 91.8333 -
32 90.4333 -
64 87.1 -
EOD
$s6 << EOD
4 83.1 -
8 78.8 -
16 74.4 -
32 68.2333 -
64 54.0667 -
EOD
$s7 << EOD
4 59.4 -
8 59.9667 -
16 59.8333 -
32 53.0333 -
64 43.7333 -
EOD
$s8 << EOD
4 84.1667 -
8 81.2333 -
16 76.3333 -
32 67 -
64 55.1 -
EOD
$s9 << EOD
2 92.3667 f16
4 92.3333 i8
8 92.4 i4
32 87.8667 bin
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
  92.3667 with lines dt 2 lw 2.5 lc rgb 'black' title "uncompressed (92.37%)"
