# arfc eval plot: cls (classification), probe_acc vs achieved ratio.
# Render: gnuplot report.gp   (or gnuplot -e "outfile='x.png'" report.gp)
if (!exists("outfile")) outfile = "report.png"
set terminal pngcairo size 1280,800 noenhanced font 'Sans,13' linewidth 1.5
set output outfile
set title "arfc eval: cls (classification, D = 256, test n = 4000)"
set xlabel "compression ratio = float32 bytes / code bytes (log scale)"
set ylabel "probe_acc (%)"
set logscale x 2
set grid xtics ytics lc rgb '#dddddd'
set key outside right center box opaque spacing 1.2
set xrange [1.73913:73.6]
set xtics ("2" 2, "4" 4, "8" 8, "16" 16, "32" 32, "64" 64)
$s0 << EOD
2 91.3 -
4 91.3 -
8 91.35 -
16 91.1 -
32 90.75 -
64 90.975 -
EOD
$s1 << EOD
2 89.5 -
4 89.75 -
8 90.3 -
16 90.775 -
32 91.075 -
64 63.6 -
EOD
$s2 << EOD
2 92.3 -
4 91.925 -
8 90.8 -
16 86.775 -
32 75.675 -
64 58.75 -
EOD
$s3 << EOD
2 92.3 -
4 91.575 -
8 90.075 -
16 85.525 -
32 74.2 -
64 51.05 -
EOD
$s4 << EOD
4 92.35 -
8 92.425 -
16 92.425 -
32 92.4 -
64 92.375 -
EOD
$s5 << EOD
4 92.325 -
8 92.4 -
16 92.35 -
32 92.325 -
64 92.175 -
EOD
$s6 << EOD
2 92.675 -
4 92.6 -
8 92.275 -
16 92.35 -
32 90.85 -
64 81.6 -
EOD
$s7 << EOD
2 91.6 -
4 91.925 -
8 91.45 -
16 91.475 -
32 89.05 -
64 78.925 -
EOD
$s8 << EOD
2 92.65 -
4 92.3 -
8 92.325 -
16 92.05 -
32 91.875 -
64 84.675 -
EOD
$s9 << EOD
2 92.3 f16
4 92.325 i8
8 92.375 i4
32 91.85 bin
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
  92.3 with lines dt 2 lw 2.5 lc rgb 'black' title "uncompressed (92.30%)"
