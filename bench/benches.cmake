# One executable per benchmark file; run them with scripts/bench.sh.
add_executable(bench_encode ${CMAKE_CURRENT_SOURCE_DIR}/bench_encode.cpp)
target_link_libraries(bench_encode PRIVATE arfc benchmark::benchmark)
set_target_properties(bench_encode PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/bench)
