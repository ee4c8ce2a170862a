# Cache and rate-limit tests: one executable, run against a real Redis (tests/servers/run-with), so the
# in-process and Redis engines pass the same behavioural suite.
if(TARGET pleb_cache)
  # A tiny client of the rate limiter: two of them at once prove that two processes share one bucket,
  # and it measures takes per second for docs/CACHE.md.
  add_executable(cache_take tests/cache/tools/cache_take.cpp)
  target_link_libraries(cache_take PRIVATE pleb_cache CLI11::CLI11)

  file(GLOB PLEB_CACHE_TESTS CONFIGURE_DEPENDS tests/cache/*_test.cpp)
  add_executable(cache_tests ${PLEB_CACHE_TESTS})
  target_link_libraries(cache_tests PRIVATE pleb_cache GTest::gtest GTest::gtest_main)
  target_compile_definitions(cache_tests PRIVATE
    PLEB_SERVERS_SH="${CMAKE_SOURCE_DIR}/tests/servers/servers.sh"
    PLEB_CACHE_TAKE="$<TARGET_FILE:cache_take>")
  add_dependencies(cache_tests cache_take)
  add_test(NAME cache_tests
           COMMAND ${CMAKE_SOURCE_DIR}/tests/servers/run-with --redis -- $<TARGET_FILE:cache_tests>)
  set_tests_properties(cache_tests PROPERTIES TIMEOUT 300)
endif()
