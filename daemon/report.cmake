# driftd report and driftd baseline: offline tables (CSV / JSONL) through the
# drift decision layer. Linked into the driftd executable.
add_library(driftd_report
  baseline_cmd.cc
  category_tally.cc
  report_cmd.cc
  report_csv.cc
  report_files.cc
  report_input.cc
  report_jsonl.cc
  report_output.cc
  table_builder.cc
)
target_link_libraries(driftd_report
  PUBLIC driftd_drift driftd_config
  PRIVATE driftd_collectors Boost::json Threads::Threads)
target_link_libraries(driftd PRIVATE driftd_report)

# Unit tests of the report inputs (daemon/tests/report_*_test.cc).
if(DRIFTD_BUILD_TESTS)
  add_executable(report_input_test tests/report_input_test.cc)
  target_link_libraries(report_input_test PRIVATE driftd_report GTest::gtest_main)
  gtest_discover_tests(report_input_test TEST_PREFIX "report." DISCOVERY_TIMEOUT 30)
endif()
