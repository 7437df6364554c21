# driftd report and driftd baseline: offline tables (CSV / JSONL) through the
# drift decision layer. Linked into the driftd executable.
add_library(driftd_report
  baseline_cmd.cc
  report_cmd.cc
  report_input.cc
  report_output.cc
)
target_link_libraries(driftd_report
  PUBLIC driftd_drift driftd_config
  PRIVATE driftd_collectors Boost::json)
target_link_libraries(driftd PRIVATE driftd_report)
