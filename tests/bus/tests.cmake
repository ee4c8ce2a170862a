# The bus: one behavioural suite run against the in-process bus and against NATS (a real
# nats-server with JetStream, started by tests/servers/run-with), plus NATS fault tests that stop and
# restart the server. bus_bench measures NATS throughput and request latency (docs/BUS.md).
file(GLOB PLEB_BUS_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/bus/*_test.cpp)
add_executable(bus_tests ${PLEB_BUS_TESTS})
target_link_libraries(bus_tests PRIVATE pleb_bus GTest::gtest GTest::gtest_main)
# A consumer process killed before its ack, for the fault tests.
add_executable(bus_crash_consumer ${CMAKE_SOURCE_DIR}/tests/bus/crash_consumer.cpp)
target_link_libraries(bus_crash_consumer PRIVATE pleb_bus)
add_dependencies(bus_tests bus_crash_consumer)
target_compile_definitions(bus_tests PRIVATE PLEB_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
                                             BUS_CRASH_CONSUMER="$<TARGET_FILE:bus_crash_consumer>")
add_test(NAME bus_memory COMMAND bus_tests --gtest_filter=*Memory*:BusNames.*)
add_test(NAME bus_nats COMMAND ${CMAKE_SOURCE_DIR}/tests/servers/run-with --nats -- $<TARGET_FILE:bus_tests>
                               --gtest_filter=*Nats*)
set_tests_properties(bus_memory bus_nats PROPERTIES TIMEOUT 300)

add_executable(bus_bench ${CMAKE_SOURCE_DIR}/tests/bus/bus_bench.cpp)
target_link_libraries(bus_bench PRIVATE pleb_bus)
