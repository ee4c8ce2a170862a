# The service tests: the same suites on SQLite and on PostgreSQL. PostgreSQL comes from
# tests/servers/run-with, started once for the whole executable; each test makes its own database.
file(GLOB PLEB_SERVICES_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/*.cpp)
if(PLEB_SERVICES_TESTS AND TARGET pleb_services AND TARGET api_test_harness)
  add_executable(services_tests ${PLEB_SERVICES_TESTS})
  # The HTTP tests use the API tests' harness (real sockets, NIP-98 signing).
  target_link_libraries(services_tests PRIVATE pleb_services api_test_harness GTest::gtest GTest::gtest_main
                                               Threads::Threads)
  add_test(NAME services_tests
           COMMAND ${CMAKE_SOURCE_DIR}/tests/servers/run-with --postgres -- $<TARGET_FILE:services_tests>)
  set_tests_properties(services_tests PROPERTIES TIMEOUT 600)
endif()
