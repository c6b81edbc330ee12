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
set yrange [0.83304:76.1519]
$s0 << EOD
4 70.9575 -
8 70.85 -
16 67.9175 -
32 56.815 -
64 39.2812 -
128 24.5981 -
256 13.653 -
512 6.02744 -
EOD
$s1 << EOD
32 70.11 -
64 66.9775 -
128 55.915 -
256 31.22 -
512 13.8154 -
EOD
$s2 << EOD
28.4444 58.0825 rabitq
EOD
plot \
  $s0 using 1:2 with linespoints lw 2 pt 7 ps 1.4 lc rgb '#1f77b4' title "pq", \
  $s1 using 1:2 with linespoints lw 2 pt 5 ps 1.4 lc rgb '#ff7f0e' title "rq", \
  $s2 using 1:2 with linespoints lw 2 pt 9 ps 1.4 lc rgb '#2ca02c' title "scalar quant (f16 / i8 / i4 / bin)", \
  $s2 using 1:2:3 with labels offset 0,1.1 font ',11' notitle, \
  70.95 with lines dt 2 lw 2.5 lc rgb 'black' title "uncompressed (70.95%)"
