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
set xrange [13.913:147.2]
set xtics ("16" 16, "32" 32, "64" 64, "128" 128)
set yrange [68.4632:94.5168]
$s0 << EOD
16 90.8 -
32 89.78 -
64 87.53 -
128 83.08 -
EOD
$s1 << EOD
16 90.86 -
32 89.8 -
64 88.08 -
128 84.18 -
EOD
$s2 << EOD
16 90.86 -
32 88.76 -
64 86.08 -
128 70.26 -
EOD
$s3 << EOD
16 91 -
32 90.08 -
64 87.61 -
128 82.08 -
EOD
$s4 << EOD
16 91.14 -
32 88.24 -
64 84.54 -
128 76.7563 -
EOD
$s5 << EOD
16 90.94 -
32 89.82 -
64 85.46 -
128 80.9424 -
EOD
$s6 << EOD
32 87.1 -
64 84.48 -
128 80.525 -
EOD
$s7 << EOD
16 90.8 -
32 90.24 -
64 88.58 -
128 83.87 -
EOD
$s8 << EOD
16 90.37 -
32 89.5 -
64 88.02 -
128 84.14 -
EOD
plot \
  $s0 using 1:2 with linespoints lw 3.5 pt 7 ps 1.4 lc rgb '#1f77b4' title "arfc", \
  $s1 using 1:2 with linespoints lw 2 pt 5 ps 1.4 lc rgb '#ff7f0e' title "pca", \
  $s2 using 1:2 with linespoints lw 2 pt 9 ps 1.4 lc rgb '#2ca02c' title "pca+i8", \
  $s3 using 1:2 with linespoints lw 2 pt 11 ps 1.4 lc rgb '#9467bd' title "rp", \
  $s4 using 1:2 with linespoints lw 2 pt 13 ps 1.4 lc rgb '#8c564b' title "pq", \
  $s5 using 1:2 with linespoints lw 2 pt 4 ps 1.4 lc rgb '#e377c2' title "opq", \
  $s6 using 1:2 with linespoints lw 2 pt 6 ps 1.4 lc rgb '#17becf' title "rq", \
  $s7 using 1:2 with linespoints lw 2 pt 8 ps 1.4 lc rgb '#bcbd22' title "ae", \
  $s8 using 1:2 with linespoints lw 2 pt 10 ps 1.4 lc rgb '#7f7f7f' title "mrl", \
  92.72 with lines dt 2 lw 2.5 lc rgb 'black' title "uncompressed (92.72%)"
