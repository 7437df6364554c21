# The HTTP endpoint and the Prometheus metrics of the daemon; included from
# daemon/CMakeLists.txt. Beast stays inside http_session.cc, the only
# translation unit that instantiates its parser and serializer.
add_library(driftd_http STATIC
  http_server.cc
  http_session.cc
)
target_link_libraries(driftd_http PUBLIC driftd_config Boost::headers Threads::Threads)
target_compile_definitions(driftd_http PRIVATE BOOST_BEAST_USE_STD_STRING_VIEW)

add_library(driftd_metrics STATIC
  metrics.cc
)
target_link_libraries(driftd_metrics PUBLIC driftd_collectors driftd_detectors
                      PRIVATE prometheus-cpp::core)

if(DRIFTD_BUILD_TESTS)
  add_executable(http_server_test tests/http_server_test.cc)
  target_link_libraries(http_server_test PRIVATE driftd_http GTest::gtest_main)
  gtest_discover_tests(http_server_test)

  add_executable(metrics_test tests/metrics_test.cc)
  target_link_libraries(metrics_test PRIVATE driftd_metrics GTest::gtest_main)
  gtest_discover_tests(metrics_test)
endif()
