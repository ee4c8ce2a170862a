# The conformance suites and the PostgreSQL-specific tests against a real server: one executable, one
# ctest entry, so that the server starts once (each test still gets a database of its own).
file(GLOB PLEB_STORE_POSTGRES_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/postgres/*.cpp)
file(GLOB PLEB_STORE_CONFORMANCE CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/conformance_*.cpp)
add_executable(store_postgres_tests ${PLEB_STORE_CONFORMANCE} ${PLEB_STORE_POSTGRES_TESTS})
target_include_directories(store_postgres_tests PRIVATE ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(store_postgres_tests PRIVATE pleb_store GTest::gtest GTest::gtest_main)
target_compile_definitions(store_postgres_tests PRIVATE
  PLEB_SERVERS_SH="${CMAKE_SOURCE_DIR}/tests/servers/servers.sh")
add_test(NAME store_postgres
         COMMAND ${CMAKE_SOURCE_DIR}/tests/servers/run-with --postgres -- $<TARGET_FILE:store_postgres_tests>)
set_tests_properties(store_postgres PROPERTIES TIMEOUT 600)

# The tag index comparison of docs/POSTGRES.md (not a test: run it by hand under run-with --postgres).
if(PLEB_BENCH)
  add_executable(pg_tag_index_bench ${CMAKE_SOURCE_DIR}/bench/postgres/tag_index_bench.cpp)
  target_link_libraries(pg_tag_index_bench PRIVATE pleb_store)
endif()
