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
set yrange [32.8336:97.3064]
$s0 << EOD
2 92.85 -
2.99415 92.74 -
4 92.73 -
5.27835 92.82 -
8 92.68 -
12.0471 92.57 -
16 92.54 -
32 92.35 -
64 92.17 -
128 91.46 -
256 84.62 -
512 74.09 -
EOD
$s1 << EOD
4 92.73 -
5.27835 92.82 -
8 92.68 -
12.0471 92.57 -
16 92.54 -
32 92.35 -
64 92.17 -
128 91.46 -
256 84.62 -
512 74.09 -
EOD
$s2 << EOD
4 92.6 -
5.27835 92.61 -
8 92.39 -
12.0471 92.27 -
16 91.95 -
32 91.72 -
64 89.53 -
128 80.33 -
256 66.83 -
512 41.76 -
EOD
$s3 << EOD
4 92.85 -
5.27835 92.67 -
8 92.56 -
12.0471 92.52 -
16 92.37 -
32 91.23 -
64 87.55 -
128 81.74 -
256 59.18 -
512 37.28 -
EOD
$s4 << EOD
2 92.85 f16
4 92.83 i8
8 92.67 i4
32 92.16 bin
EOD
plot \
  $s0 using 1:2 with linespoints lw 2 pt 7 ps 1.4 lc rgb '#1f77b4' title "pca", \
  $s1 using 1:2 with linespoints lw 2 pt 5 ps 1.4 lc rgb '#ff7f0e' title "pca+i8", \
  $s2 using 1:2 with linespoints lw 2 pt 9 ps 1.4 lc rgb '#2ca02c' title "rp+i8", \
  $s3 using 1:2 with linespoints lw 2 pt 11 ps 1.4 lc rgb '#9467bd' title "trunc+i8", \
  $s4 using 1:2 with linespoints lw 2 pt 13 ps 1.4 lc rgb '#8c564b' title "scalar quant (f16 / i8 / i4 / bin)", \
  $s4 using 1:2:3 with labels offset 0,1.1 font ',11' notitle, \
  92.86 with lines dt 2 lw 2.5 lc rgb 'black' title "uncompressed (92.86%)"
