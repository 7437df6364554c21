# The ML Test Score monitors' daemon glue (daemon/monitoring.h): scorecard
# JSON and the hub between the ingest thread, the evaluator and HTTP.
# Included by daemon/CMakeLists.txt; paths are relative to daemon/.
add_library(driftd_monitoring STATIC
  ${CMAKE_CURRENT_LIST_DIR}/monitoring.cc
)
target_link_libraries(driftd_monitoring
  PUBLIC driftd_monitors driftd_detectors driftd_config Boost::json
  PRIVATE driftd_collectors)

if(DRIFTD_BUILD_TESTS)
  add_executable(monitoring_test ${CMAKE_CURRENT_LIST_DIR}/tests/monitoring_test.cc)
  target_link_libraries(monitoring_test PRIVATE
    driftd_monitoring driftd_metrics driftd_testing GTest::gtest_main)
  gtest_discover_tests(monitoring_test)
endif()
