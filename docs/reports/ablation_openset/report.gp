# arfc eval plot: openset (retrieval), R@1 vs achieved ratio.
# Render: gnuplot report.gp   (or gnuplot -e "outfile='x.png'" report.gp)
if (!exists("outfile")) outfile = "report.png"
set terminal pngcairo size 1280,800 noenhanced font 'Sans,13' linewidth 1.5
set output outfile
set title "arfc eval: openset (retrieval, D = 256, test n = 5000)"
set xlabel "compression ratio = float32 bytes / code bytes (log scale)"
set ylabel "R@1 (%)"
set logscale x 2
set grid xtics ytics lc rgb '#dddddd'
set key outside right center box opaque spacing 1.2 samplen 4
set xrange [3.47826:588.8]
set xtics ("4" 4, "16" 16, "32" 32, "64" 64, "128" 128, "256" 256, "512" 512)
set yrange [63.5752:94.9648]
$s0 << EOD
4 92.8 -
16 90.92 -
32 89.3 -
64 85.4 -
128 80.86 -
256 76.38 -
512 65.74 -
EOD
$s1 << EOD
4 92.74 -
16 91.14 -
32 89.08 -
64 85.04 -
128 80.76 -
256 76.32 -
512 68.56 -
EOD
$s2 << EOD
4 92.74 -
16 90.96 -
32 88.92 -
64 84.52 -
128 81.12 -
256 75.68 -
512 69.1 -
EOD
plot \
  $s0 using 1:2 with linespoints lw 3.5 pt 7 ps 1.4 lc rgb '#1f77b4' title "arfc (default)", \
  $s1 using 1:2 with linespoints lw 3.5 pt 5 ps 1.4 lc rgb '#ff7f0e' title "arfc S=1 (MoS off)", \
  $s2 using 1:2 with linespoints lw 3.5 pt 9 ps 1.4 lc rgb '#2ca02c' title "arfc ERGC off", \
  92.76 with lines dt 2 lw 2.5 lc rgb 'black' title "uncompressed (92.76%)"
