# One executable per benchmark file; run them with scripts/bench.sh.
# Google Benchmark is needed by this one only (libbenchmark-dev; scripts/setup.sh installs it):
# a machine without it still builds the timing tools below.
find_package(benchmark QUIET)
if(benchmark_FOUND)
  add_executable(bench_encode ${CMAKE_CURRENT_SOURCE_DIR}/bench_encode.cpp)
  target_link_libraries(bench_encode PRIVATE arfc benchmark::benchmark)
  set_target_properties(bench_encode PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/bench)
else()
  message(STATUS "arfc: Google Benchmark not found (libbenchmark-dev): bench_encode is not built")
endif()
if(ARFC_WITH_FAISS)
  # RQ: training/encoding cost per code size, truncated shared model vs per-size training.
  add_executable(rq_truncation ${CMAKE_CURRENT_SOURCE_DIR}/rq_truncation.cpp)
  target_link_libraries(rq_truncation PRIVATE arfc)
  set_target_properties(rq_truncation PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/bench)
endif()
# Discrete tokens: codebook modes per byte budget on a real feature set, vs int8 values.
add_executable(discrete_tokens ${CMAKE_CURRENT_SOURCE_DIR}/discrete_tokens.cpp)
target_link_libraries(discrete_tokens PRIVATE arfc)
set_target_properties(discrete_tokens PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/bench)
# Encoding throughput at equal bytes (ARFC vs PCA, PCA + int8, PQ, RQ) for D = 256 and 768.
add_executable(encode_throughput ${CMAKE_CURRENT_SOURCE_DIR}/encode_throughput.cpp)
target_link_libraries(encode_throughput PRIVATE arfc)
set_target_properties(encode_throughput PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/bench)
# ARC generation alone, by thread count and row-block size.
add_executable(arc_generate ${CMAKE_CURRENT_SOURCE_DIR}/arc_generate.cpp)
target_link_libraries(arc_generate PRIVATE arfc)
set_target_properties(arc_generate PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/bench)
# The held-out storage-type trial of today's build, run on a saved model.
add_executable(int4_trial ${CMAKE_CURRENT_SOURCE_DIR}/int4_trial.cpp)
target_link_libraries(int4_trial PRIVATE arfc)
set_target_properties(int4_trial PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/bench)
# Search over stored codes: lookup tables for discrete tokens vs decoding vs FAISS PQ search.
add_executable(code_search ${CMAKE_CURRENT_SOURCE_DIR}/code_search.cpp)
target_link_libraries(code_search PRIVATE arfc)
set_target_properties(code_search PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/bench)
