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
set xrange [3.47826:588.8]
set xtics ("4" 4, "16" 16, "32" 32, "64" 64, "128" 128, "256" 256, "512" 512)
set yrange [6.2708:76.1492]
$s0 << EOD
4 71.235 -
16 71.215 -
32 70.6 -
64 67.745 -
128 55.24 -
256 31.46 -
512 11.4 -
EOD
$s1 << EOD
4 71.27 -
16 71.105 -
32 70.37 -
64 67.825 -
128 55.185 -
256 30.91 -
512 11.11 -
EOD
$s2 << EOD
4 70.995 -
16 70.865 -
32 70.165 -
64 67.805 -
128 54.355 -
256 31.085 -
512 11.09 -
EOD
$s3 << EOD
4 71.33 -
16 71.095 -
32 70.36 -
64 67.92 -
128 55.505 -
256 31.235 -
512 11.12 -
EOD
plot \
  $s0 using 1:2 with linespoints lw 3.5 pt 7 ps 1.4 lc rgb '#1f77b4' title "arfc (default)", \
  $s1 using 1:2 with linespoints lw 3.5 pt 5 ps 1.4 lc rgb '#ff7f0e' title "arfc S=1 (MoS off)", \
  $s2 using 1:2 with linespoints lw 3.5 pt 9 ps 1.4 lc rgb '#2ca02c' title "arfc ERGC off", \
  $s3 using 1:2 with linespoints lw 3.5 pt 11 ps 1.4 lc rgb '#9467bd' title "arfc base only (no transformer)", \
  70.95 with lines dt 2 lw 2.5 lc rgb 'black' title "uncompressed (70.95%)"
