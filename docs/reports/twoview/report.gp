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
set yrange [0:77.2952]
$s0 << EOD
2 71.47 -
3.2 71.47 -
4 71.53 -
5.33333 71.57 -
8 71.355 -
12.8 71.275 -
16 71.185 -
32 70.74 -
64 68.13 -
128 55.21 -
256 31.295 -
512 11.1 -
EOD
$s1 << EOD
2 70.935 -
2.99415 70.885 -
4 70.87 -
5.27835 70.94 -
8 70.84 -
12.0471 70.73 -
16 70.62 -
32 68.755 -
64 55.135 -
128 21.49 -
256 1.585 -
512 0.055 -
EOD
$s2 << EOD
4 70.87 -
5.27835 70.94 -
8 70.84 -
12.0471 70.73 -
16 70.62 -
32 68.755 -
64 55.135 -
128 21.49 -
256 1.585 -
512 0.055 -
EOD
$s3 << EOD
4 68.27 -
5.27835 67.495 -
8 64.88 -
12.0471 61.685 -
16 59.205 -
32 47.965 -
64 26.225 -
128 5.885 -
256 0.345 -
512 0.005 -
EOD
$s4 << EOD
4 70.955 -
5.27835 69.835 -
8 67.675 -
12.0471 64.68 -
16 61.95 -
32 49.41 -
64 25.785 -
128 5.455 -
256 0.415 -
512 0.03 -
EOD
$s5 << EOD
4 70.965 -
8 70.795 -
16 67.805 -
32 57.315 -
64 39.79 -
128 23.69 -
256 9.2 -
512 1.79 -
EOD
$s6 << EOD
4 70.945 -
8 70.87 -
16 70.09 -
32 68.51 -
64 63.6 -
128 48.235 -
256 28.295 -
512 6.5 -
EOD
$s7 << EOD
32 70.035 -
64 67.345 -
128 56.36 -
256 30.695 -
512 9.52 -
EOD
$s8 << EOD
4 68.03 -
5.27835 68.16 -
8 68.375 -
12.0471 68.455 -
16 68.55 -
32 67.53 -
64 59.89 -
128 33.755 -
256 3.64 -
512 0.07 -
EOD
$s9 << EOD
4 66.445 -
5.27835 66.3 -
8 66.035 -
12.0471 65.665 -
16 65.585 -
32 64.05 -
64 56.005 -
128 27.86 -
256 2.145 -
512 0.04 -
EOD
$s10 << EOD
2 70.91 f16
4 70.965 i8
8 70.535 i4
28.4444 58.275 rabitq
32 56.525 bin
EOD
plot \
  $s0 using 1:2 with linespoints lw 3.5 pt 7 ps 1.4 lc rgb '#1f77b4' title "arfc", \
  $s1 using 1:2 with linespoints lw 2 pt 5 ps 1.4 lc rgb '#ff7f0e' title "pca", \
  $s2 using 1:2 with linespoints lw 2 pt 9 ps 1.4 lc rgb '#2ca02c' title "pca+i8", \
  $s3 using 1:2 with linespoints lw 2 pt 11 ps 1.4 lc rgb '#9467bd' title "rp+i8", \
  $s4 using 1:2 with linespoints lw 2 pt 13 ps 1.4 lc rgb '#8c564b' title "trunc+i8", \
  $s5 using 1:2 with linespoints lw 2 pt 4 ps 1.4 lc rgb '#e377c2' title "pq", \
  $s6 using 1:2 with linespoints lw 2 pt 6 ps 1.4 lc rgb '#17becf' title "opq", \
  $s7 using 1:2 with linespoints lw 2 pt 8 ps 1.4 lc rgb '#bcbd22' title "rq", \
  $s8 using 1:2 with linespoints lw 2 pt 10 ps 1.4 lc rgb '#7f7f7f' title "ae+i8", \
  $s9 using 1:2 with linespoints lw 2 pt 12 ps 1.4 lc rgb '#393b79' title "mrl+i8", \
  $s10 using 1:2 with linespoints lw 2 pt 1 ps 1.4 lc rgb '#637939' title "scalar quant (f16 / i8 / i4 / bin)", \
  $s10 using 1:2:3 with labels offset 0,1.1 font ',11' notitle, \
  70.92 with lines dt 2 lw 2.5 lc rgb 'black' title "uncompressed (70.92%)"
