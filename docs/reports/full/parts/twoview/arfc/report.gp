# arfc eval plot: twoview (crossmodal), R@1 mean vs achieved ratio.
# Render: gnuplot report.gp   (or gnuplot -e "outfile='x.png'" report.gp)
if (!exists("outfile")) outfile = "report.png"
set terminal pngcairo size 1280,800 noenhanced font 'Sans,13' linewidth 1.5
set output outfile
set title "arfc eval: twoview (crossmodal, D = 256, test n = 10000)"
set xlabel "compression ratio = float32 bytes / code bytes (log scale)"
set ylabel "R@1 mean (%)"
set logscale x 2
set grid xtics ytics lc rgb '#dddddd'
set key outside right center box opaque spacing 1.2 samplen 4
set xrange [1.73913:588.8]
set xtics ("2" 2, "3" 3, "4" 4, "5.3" 5.3, "8" 8, "12" 12, "16" 16, "32" 32, "64" 64, "128" 128, "256" 256, "512" 512)
set yrange [12.4726:81.2696]
$s0 << EOD
2 76.525 -
3.2 76.295 -
4 76.52 -
5.33333 76.32 -
8 76.315 -
12.8 76.1925 -
16 75.905 -
32 75.165 -
64 73 -
128 65.5175 -
256 44.0825 -
512 17.2172 -
EOD
plot \
  $s0 using 1:2 with linespoints lw 3.5 pt 7 ps 1.4 lc rgb '#1f77b4' title "arfc", \
  70.845 with lines dt 2 lw 2.5 lc rgb 'black' title "uncompressed (70.84%)"
