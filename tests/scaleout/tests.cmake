# The scaled-out write path in one process (in-process bus, LMDB) ...
add_executable(scaleout_tests ${CMAKE_SOURCE_DIR}/tests/scaleout/ingest_test.cpp)
target_link_libraries(scaleout_tests PRIVATE pleb_relay GTest::gtest GTest::gtest_main)
gtest_discover_tests(scaleout_tests DISCOVERY_TIMEOUT 60)

# ... and across processes: two `pleb relay`, one `pleb processor`, real PostgreSQL, NATS and Redis.
file(GLOB PLEB_SCALEOUT_NODE_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/scaleout/*.test.mjs)
foreach(script ${PLEB_SCALEOUT_NODE_TESTS})
  get_filename_component(name ${script} NAME_WE)
  add_test(NAME scaleout_${name}
           COMMAND ${CMAKE_SOURCE_DIR}/tests/servers/run-with --postgres --nats --redis -- node --test --test-reporter=spec ${script})
  set_tests_properties(scaleout_${name} PROPERTIES ENVIRONMENT "PLEB_BIN=$<TARGET_FILE:pleb>" TIMEOUT 600)
endforeach()
