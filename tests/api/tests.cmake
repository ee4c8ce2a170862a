# The REST API gateway over real sockets: a GoogleTest executable, and a tiny server that serves the router
# with test routes so that a JavaScript client (nostr-tools) can sign requests against it.
if(TARGET pleb_api)
  add_library(api_test_harness STATIC ${CMAKE_SOURCE_DIR}/tests/api/api_harness.cpp
                                      ${CMAKE_SOURCE_DIR}/tests/api/test_routes.cpp)
  target_include_directories(api_test_harness PUBLIC ${CMAKE_SOURCE_DIR}/tests/api)
  target_link_libraries(api_test_harness PUBLIC pleb_api)

  file(GLOB PLEB_API_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/api/*_test.cpp)
  add_executable(api_tests ${PLEB_API_TESTS})
  target_link_libraries(api_tests PRIVATE api_test_harness GTest::gtest GTest::gtest_main GTest::gmock)
  gtest_discover_tests(api_tests DISCOVERY_TIMEOUT 60)

  add_executable(api_test_server ${CMAKE_SOURCE_DIR}/tests/api/api_test_server.cpp)
  target_link_libraries(api_test_server PRIVATE api_test_harness)

  add_test(NAME api_nip98_node
           COMMAND node --test --test-reporter=spec ${CMAKE_SOURCE_DIR}/tests/api/nip98.test.mjs)
  set_tests_properties(api_nip98_node PROPERTIES ENVIRONMENT "API_TEST_SERVER=$<TARGET_FILE:api_test_server>"
                                                 TIMEOUT 120)
endif()
