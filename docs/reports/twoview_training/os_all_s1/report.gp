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
set xrange [13.913:147.2]
set xtics ("16" 16, "32" 32, "64" 64, "128" 128)
set yrange [78.1808:93.5392]
$s0 << EOD
16 90.38 -
32 89.5 -
64 87.34 -
128 79.24 -
EOD
plot \
  $s0 using 1:2 with linespoints lw 3.5 pt 7 ps 1.4 lc rgb '#1f77b4' title "arfc", \
  92.48 with lines dt 2 lw 2.5 lc rgb 'black' title "uncompressed (92.48%)"
