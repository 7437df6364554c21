# `driftd generate`: deterministic example traffic (daemon/generate.h).
# Included by daemon/CMakeLists.txt; paths are relative to daemon/.
add_library(driftd_generate STATIC
  ${CMAKE_CURRENT_LIST_DIR}/generate.cc
  ${CMAKE_CURRENT_LIST_DIR}/generate_random.cc
  ${CMAKE_CURRENT_LIST_DIR}/generate_traffic.cc
)
# detectors/time.h (Timestamp, Clock) and config/duration.h (duration flags).
target_link_libraries(driftd_generate PUBLIC driftd_detectors PRIVATE driftd_config)

if(DRIFTD_BUILD_TESTS)
  add_executable(generate_test ${CMAKE_CURRENT_LIST_DIR}/tests/generate_test.cc)
  target_link_libraries(generate_test PRIVATE
    driftd_generate driftd_testing Boost::json GTest::gtest_main)
  gtest_discover_tests(generate_test)
endif()
