# arfc eval plot: pixels (classification), probe_acc vs achieved ratio.
# Render: gnuplot report.gp   (or gnuplot -e "outfile='x.png'" report.gp)
if (!exists("outfile")) outfile = "report.png"
set terminal pngcairo size 1280,800 noenhanced font 'Sans,13' linewidth 1.5
set output outfile
set title "arfc eval: pixels (classification, D = 784, test n = 10000)"
set xlabel "compression ratio = float32 bytes / code bytes (log scale)"
set ylabel "probe_acc (%)"
set logscale x 2
set grid xtics ytics lc rgb '#dddddd'
set key outside right center box opaque spacing 1.2 samplen 4
set xrange [13.913:150.267]
set xtics ("16" 16, "32" 32, "64" 64, "128" 128)
set yrange [83.54:90.68]
$s0 << EOD
16 89.62 -
32 89.68 -
64 89.57 -
130.667 89.42 -
EOD
plot \
  $s0 using 1:2 with linespoints lw 3.5 pt 7 ps 1.4 lc rgb '#1f77b4' title "arfc", \
  84.54 with lines dt 2 lw 2.5 lc rgb 'black' title "uncompressed (84.54%)"
