# Alerting in the daemon: the engine fed with evaluations, the outbox, the
# delivery threads and the Boost.Beast HTTP(S) client of the sinks. Included
# from daemon/CMakeLists.txt after driftd_daemon is defined; OpenSSL stays
# inside alerting_http_client.cc.
find_package(OpenSSL REQUIRED)

target_sources(driftd_daemon PRIVATE
  alerting.cc
  alerting_http_client.cc
)
target_link_libraries(driftd_daemon PRIVATE OpenSSL::SSL OpenSSL::Crypto)
set_source_files_properties(alerting_http_client.cc PROPERTIES
  COMPILE_DEFINITIONS BOOST_BEAST_USE_STD_STRING_VIEW)

if(DRIFTD_BUILD_TESTS)
  add_executable(alerting_test tests/alerting_test.cc)
  target_link_libraries(alerting_test PRIVATE driftd_daemon driftd_testing Boost::json
                        GTest::gtest_main)
  gtest_discover_tests(alerting_test)
endif()
