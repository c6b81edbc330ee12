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
set yrange [88.67:93.67]
$s0 << EOD
128 92.67 -
256 92.47 -
512 92.33 -
EOD
$s1 << EOD
128 92.62 -
256 92.51 -
512 92.41 -
EOD
$s2 << EOD
128 92.44 -
256 92.42 -
512 92.18 -
EOD
plot \
  $s0 using 1:2 with linespoints lw 3.5 pt 7 ps 1.4 lc rgb '#1f77b4' title "arfc", \
  $s1 using 1:2 with linespoints lw 2 pt 5 ps 1.4 lc rgb '#ff7f0e' title "ae", \
  $s2 using 1:2 with linespoints lw 2 pt 9 ps 1.4 lc rgb '#2ca02c' title "mrl", \
  92.67 with lines dt 2 lw 2.5 lc rgb 'black' title "uncompressed (92.67%)"
