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
set xrange [1.73913:601.067]
set xtics ("2" 2, "3" 3, "4" 4, "5.3" 5.3, "8" 8, "12" 12, "16" 16, "32" 32, "64" 64, "128" 128, "256" 256, "512" 512)
set yrange [83.55:90.37]
$s0 << EOD
2 89.31 -
3.2 89.29 -
4 89.31 -
5.33333 89.3 -
8 89.3 -
12.8 89.34 -
16 89.37 -
32 89.2 -
64 89.27 -
130.667 89.3 -
261.333 89.22 -
522.667 89.22 -
EOD
plot \
  $s0 using 1:2 with linespoints lw 3.5 pt 7 ps 1.4 lc rgb '#1f77b4' title "arfc", \
  84.55 with lines dt 2 lw 2.5 lc rgb 'black' title "uncompressed (84.55%)"
