#!/usr/bin/env bash
# Copies what arfc's build needs besides libtorch, and a machine with only PyTorch lacks
# (nlohmann-json, CLI11 and zlib headers, GoogleTest), from this Debian machine into one
# prefix (include/, lib/, share/cmake/), to carry to such a machine:
#
#   bash scripts/deps_prefix.sh DIR        # here (Debian 12, the packages of scripts/setup.sh)
#   ARFC_DEPS_PREFIX=DIR bash scripts/cuda_check.sh OUT    # there
#
# Only headers and static archives travel, plus zlib's shared library under its dev name
# (the programs link to libz.so.1, which every Linux has).
set -euo pipefail
dir=${1:?usage: scripts/deps_prefix.sh DIR}
arch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
for f in /usr/include/nlohmann /usr/include/CLI /usr/include/zlib.h /usr/include/gtest /usr/include/gmock \
         /usr/share/cmake/nlohmann_json "/usr/lib/$arch/cmake/GTest" "/usr/lib/$arch/libz.so"; do
  [ -e "$f" ] || { echo "deps_prefix.sh: $f is missing; install the packages of scripts/setup.sh first" >&2; exit 1; }
done
rm -rf "$dir"
mkdir -p "$dir/include" "$dir/lib/$arch/cmake" "$dir/share/cmake"
cp -r /usr/include/nlohmann /usr/include/CLI /usr/include/gtest /usr/include/gmock "$dir/include/"
cp /usr/include/zlib.h /usr/include/zconf.h "$dir/include/"
cp -r /usr/share/cmake/nlohmann_json "$dir/share/cmake/"
cp -r "/usr/lib/$arch/cmake/GTest" "$dir/lib/$arch/cmake/"
cp /usr/lib/"$arch"/libgtest*.a /usr/lib/"$arch"/libgmock*.a "$dir/lib/$arch/"
cp -L "/usr/lib/$arch/libz.so" "$dir/lib/$arch/libz.so"
echo "deps_prefix.sh: $(du -sh "$dir" | cut -f1) in $dir"
