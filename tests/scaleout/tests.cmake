# The scaled-out write path in one process (in-process bus, LMDB) ...
add_executable(scaleout_tests ${CMAKE_SOURCE_DIR}/tests/scaleout/ingest_test.cpp)
target_link_libraries(scaleout_tests PRIVATE pleb_relay GTest::gtest GTest::gtest_main)
gtest_discover_tests(scaleout_tests DISCOVERY_TIMEOUT 60)
