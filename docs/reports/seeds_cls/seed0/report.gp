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
set xrange [111.304:588.8]
set xtics ("128" 128, "256" 256, "512" 512)
set yrange [80.51:93.69]
$s0 << EOD
128 92.54 -
256 92.62 -
512 92.38 -
EOD
$s1 << EOD
128 92.47 -
256 92.51 -
512 92.36 -
EOD
$s2 << EOD
128 92.67 -
256 92.46 -
512 92.2 -
EOD
$s3 << EOD
128 92.16 -
256 91.28 -
512 81.51 -
EOD
$s4 << EOD
128 92.24 -
256 92.09 -
512 91.92 -
EOD
$s5 << EOD
128 92.27 -
256 92.25 -
512 91.93 -
EOD
$s6 << EOD
128 92.31 -
256 92.01 -
512 91.79 -
EOD
plot \
  $s0 using 1:2 with linespoints lw 3.5 pt 7 ps 1.4 lc rgb '#1f77b4' title "arfc", \
  $s1 using 1:2 with linespoints lw 2 pt 5 ps 1.4 lc rgb '#ff7f0e' title "ae", \
  $s2 using 1:2 with linespoints lw 2 pt 9 ps 1.4 lc rgb '#2ca02c' title "mrl", \
  $s3 using 1:2 with linespoints lw 2 pt 11 ps 1.4 lc rgb '#9467bd' title "pca", \
  $s4 using 1:2 with linespoints lw 2 pt 13 ps 1.4 lc rgb '#8c564b' title "pq", \
  $s5 using 1:2 with linespoints lw 2 pt 4 ps 1.4 lc rgb '#e377c2' title "opq", \
  $s6 using 1:2 with linespoints lw 2 pt 6 ps 1.4 lc rgb '#17becf' title "rq", \
  92.69 with lines dt 2 lw 2.5 lc rgb 'black' title "uncompressed (92.69%)"
