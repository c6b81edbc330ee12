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
set yrange [5.5618:76.0782]
$s0 << EOD
4 71.155 -
16 70.795 -
32 70.305 -
64 67.735 -
128 55.025 -
256 30.68 -
512 10.425 -
EOD
$s1 << EOD
4 71.215 -
16 70.9 -
32 70.36 -
64 67.87 -
128 55.11 -
256 31.23 -
512 11.17 -
EOD
plot \
  $s0 using 1:2 with linespoints lw 3.5 pt 7 ps 1.4 lc rgb '#1f77b4' title "arfc (default)", \
  $s1 using 1:2 with linespoints lw 3.5 pt 5 ps 1.4 lc rgb '#ff7f0e' title "arfc S=1 (MoS off)", \
  70.95 with lines dt 2 lw 2.5 lc rgb 'black' title "uncompressed (70.95%)"
