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
set yrange [84.2:93.86]
$s0 << EOD
4 92.77 -
8 92.74 -
16 92.65 -
32 92.54 -
64 92.25 -
128 92.45 -
256 92.04 -
512 91.71 -
EOD
$s1 << EOD
4 92.58 -
5.27835 92.68 -
8 92.69 -
12.0471 92.49 -
16 92.78 -
32 92.7 -
64 92.76 -
128 92.65 -
256 92.57 -
512 88.8 -
EOD
$s2 << EOD
4 92.56 -
5.27835 92.45 -
8 92.65 -
12.0471 92.71 -
16 92.62 -
32 92.69 -
64 92.64 -
128 92.64 -
256 92.43 -
512 85.2 -
EOD
plot \
  $s0 using 1:2 with linespoints lw 2 pt 7 ps 1.4 lc rgb '#1f77b4' title "opq", \
  $s1 using 1:2 with linespoints lw 2 pt 5 ps 1.4 lc rgb '#ff7f0e' title "ae+i8", \
  $s2 using 1:2 with linespoints lw 2 pt 9 ps 1.4 lc rgb '#2ca02c' title "mrl+i8", \
  92.86 with lines dt 2 lw 2.5 lc rgb 'black' title "uncompressed (92.86%)"
