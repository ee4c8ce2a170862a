add_executable(metrics_tests ${CMAKE_SOURCE_DIR}/tests/metrics/exposition_test.cpp)
target_link_libraries(metrics_tests PRIVATE pleb_metrics GTest::gtest GTest::gtest_main)
gtest_discover_tests(metrics_tests DISCOVERY_TIMEOUT 60)
