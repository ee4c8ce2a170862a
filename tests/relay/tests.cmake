# Unit tests of the relay's in-process parts (the JavaScript files here drive a whole `pleb serve`).
file(GLOB PLEB_RELAY_UNIT_TESTS CONFIGURE_DEPENDS tests/relay/*_test.cpp)
add_executable(relay_unit_tests ${PLEB_RELAY_UNIT_TESTS})
target_link_libraries(relay_unit_tests PRIVATE pleb_relay GTest::gtest GTest::gtest_main)
gtest_discover_tests(relay_unit_tests DISCOVERY_TIMEOUT 60)
