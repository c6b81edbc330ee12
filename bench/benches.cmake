# One executable per benchmark file; run them with scripts/bench.sh.
# arfc_bench(NAME [LIBS ...]): bench/NAME.cpp -> build/bench/NAME, linked with arfc and LIBS.
function(arfc_bench name)
  cmake_parse_arguments(B "" "" "LIBS" ${ARGN})
  add_executable(${name} ${CMAKE_CURRENT_SOURCE_DIR}/${name}.cpp)
  target_link_libraries(${name} PRIVATE arfc ${B_LIBS})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/bench)
endfunction()

# Google Benchmark is needed by this one only (libbenchmark-dev; scripts/setup.sh installs it):
# a machine without it still builds the timing tools below.
find_package(benchmark QUIET)
if(benchmark_FOUND)
  arfc_bench(bench_encode LIBS benchmark::benchmark)
else()
  message(STATUS "arfc: Google Benchmark not found (libbenchmark-dev): bench_encode is not built")
endif()
if(ARFC_WITH_FAISS)
  # RQ: training/encoding cost per code size, truncated shared model vs per-size training.
  arfc_bench(rq_truncation)
endif()
# Discrete tokens: codebook modes per byte budget on a real feature set, vs int8 values.
arfc_bench(discrete_tokens)
# Encoding throughput at equal bytes (ARFC vs PCA, PCA + int8, PQ, RQ) for D = 256 and 768.
arfc_bench(encode_throughput)
# ARC generation alone, by thread count and row-block size.
arfc_bench(arc_generate)
# The held-out storage-type trial of today's build, run on a saved model.
arfc_bench(int4_trial)
# Search over stored codes: lookup tables for discrete tokens vs decoding vs FAISS PQ search.
arfc_bench(code_search)
# Encoding effort: the token search beam of discrete codes, time against search quality.
arfc_bench(encode_effort)
# The beam search of discrete tokens over inner-product tables vs over residuals.
arfc_bench(token_search)
