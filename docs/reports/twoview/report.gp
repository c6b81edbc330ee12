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
set yrange [0:76.9614]
$s0 << EOD
2 71.265 -
3.2 71.255 -
4 71.235 -
5.33333 71.23 -
8 71.26 -
12.8 71.145 -
16 71.215 -
32 70.6 -
64 67.745 -
128 55.24 -
256 31.46 -
512 11.4 -
EOD
$s1 << EOD
2 70.915 -
2.99415 70.97 -
4 70.93 -
5.27835 70.95 -
8 70.885 -
12.0471 70.76 -
16 70.68 -
32 69.3 -
64 66.915 -
128 51.695 -
256 18.385 -
512 1.315 -
EOD
$s2 << EOD
4 70.93 -
5.27835 70.95 -
8 70.885 -
12.0471 70.76 -
16 70.68 -
32 68.67 -
64 54.85 -
128 21.535 -
256 1.64 -
512 0.06 -
EOD
$s3 << EOD
2 68.225 -
2.99415 66.605 -
4 68.21 -
5.27835 67.365 -
8 64.53 -
12.0471 61.44 -
16 58.835 -
32 57.87 -
64 46.54 -
128 24.205 -
256 4.965 -
512 0.245 -
EOD
$s4 << EOD
2 70.95 -
2.99415 69.05 -
4 70.97 -
5.27835 69.77 -
8 67.735 -
12.0471 64.725 -
16 62.2 -
32 61.17 -
64 47.73 -
128 23.435 -
256 4.935 -
512 0.33 -
EOD
$s5 << EOD
4 70.985 -
8 70.845 -
16 67.935 -
32 56.41 -
64 39.945 -
128 23.52 -
256 9.455 -
512 2.12 -
EOD
$s6 << EOD
4 71.035 -
8 70.885 -
16 70.01 -
32 68.32 -
64 63.595 -
128 48.27 -
256 28.44 -
512 7.38 -
EOD
$s7 << EOD
32 70.165 -
64 67.785 -
128 56.555 -
256 30.84 -
512 10.335 -
EOD
$s8 << EOD
2 68.09 -
2.99415 68.39 -
4 68.025 -
5.27835 68.12 -
8 68.335 -
12.0471 68.28 -
16 68.51 -
32 67.69 -
64 65.89 -
128 57.39 -
256 29.57 -
512 2.18 -
EOD
$s9 << EOD
2 67.05 -
2.99415 66.955 -
4 67.025 -
5.27835 67.12 -
8 66.865 -
12.0471 66.78 -
16 66.615 -
32 65.435 -
64 63.3 -
128 54.03 -
256 25.81 -
512 2.02 -
EOD
$s10 << EOD
2 70.95 f16
4 70.96 i8
8 70.385 i4
28.4444 57.96 rabitq
32 56.52 bin
EOD
plot \
  $s0 using 1:2 with linespoints lw 3.5 pt 7 ps 1.4 lc rgb '#1f77b4' title "arfc", \
  $s1 using 1:2 with linespoints lw 2 pt 5 ps 1.4 lc rgb '#ff7f0e' title "pca", \
  $s2 using 1:2 with linespoints lw 2 pt 9 ps 1.4 lc rgb '#2ca02c' title "pca+i8", \
  $s3 using 1:2 with linespoints lw 2 pt 11 ps 1.4 lc rgb '#9467bd' title "rp", \
  $s4 using 1:2 with linespoints lw 2 pt 13 ps 1.4 lc rgb '#8c564b' title "trunc", \
  $s5 using 1:2 with linespoints lw 2 pt 4 ps 1.4 lc rgb '#e377c2' title "pq", \
  $s6 using 1:2 with linespoints lw 2 pt 6 ps 1.4 lc rgb '#17becf' title "opq", \
  $s7 using 1:2 with linespoints lw 2 pt 8 ps 1.4 lc rgb '#bcbd22' title "rq", \
  $s8 using 1:2 with linespoints lw 2 pt 10 ps 1.4 lc rgb '#7f7f7f' title "ae", \
  $s9 using 1:2 with linespoints lw 2 pt 12 ps 1.4 lc rgb '#393b79' title "mrl", \
  $s10 using 1:2 with linespoints lw 2 pt 1 ps 1.4 lc rgb '#637939' title "scalar quant (f16 / i8 / i4 / bin)", \
  $s10 using 1:2:3 with labels offset 0,1.1 font ',11' notitle, \
  70.95 with lines dt 2 lw 2.5 lc rgb 'black' title "uncompressed (70.95%)"
