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
set xrange [1.73913:73.6]
set xtics ("2" 2, "3" 3, "4" 4, "5.3" 5.3, "8" 8, "12" 12, "16" 16, "32" 32, "64" 64)
set yrange [0:76.7492]
$s0 << EOD
2 70.875 -
3.2 70.785 -
4 70.86 -
5.33333 70.88 -
8 70.77 -
12.8 70.59 -
16 70.585 -
32 68.85 -
64 56.725 -
EOD
$s1 << EOD
2 71.05 -
3.01176 70.895 -
4 70.73 -
5.33333 70.4 -
8 68.51 -
12.1905 62.595 -
16 54.875 -
32 21.45 -
64 1.675 -
EOD
$s2 << EOD
2 64.61 -
3.01176 61.61 -
4 59.175 -
5.33333 54.74 -
8 47.425 -
12.1905 36.71 -
16 25.88 -
32 5.82 -
64 0.35 -
EOD
$s3 << EOD
2 67.405 -
3.01176 64.54 -
4 61.9 -
5.33333 58.02 -
8 49.25 -
12.1905 35.59 -
16 25.425 -
32 5.39 -
64 0.36 -
EOD
$s4 << EOD
4 71.07 -
8 70.845 -
16 69.035 -
32 63.69 -
64 50.94 -
EOD
$s5 << EOD
4 71.09 -
8 70.845 -
16 70.51 -
32 69.49 -
64 66.905 -
EOD
$s6 << EOD
2 68.51 -
3.01176 68.45 -
4 68.365 -
5.33333 67.98 -
8 67.575 -
12.1905 64.09 -
16 59.71 -
32 33.65 -
64 3.56 -
EOD
$s7 << EOD
2 1.68 -
3.01176 5.535 -
4 6.21 -
5.33333 3.265 -
8 2.58 -
12.1905 0.84 -
16 5.275 -
32 2.4 -
64 0.39 -
EOD
$s8 << EOD
2 66.77 -
3.01176 66.595 -
4 66.53 -
5.33333 66.27 -
8 65.55 -
12.1905 62.825 -
16 57.94 -
32 30.98 -
64 2.46 -
EOD
$s9 << EOD
2 71.04 f16
4 71.02 i8
8 70.4 i4
32 56.37 bin
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
  71.045 with lines dt 2 lw 2.5 lc rgb 'black' title "uncompressed (71.05%)"
