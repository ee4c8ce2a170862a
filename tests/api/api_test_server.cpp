// A test-only server: the API router with the test routes on 127.0.0.1:<ephemeral>, for clients written
// in other languages (tests/api/*.test.mjs). Prints the port on the first line of stdout and serves until
// SIGTERM or SIGINT. NIP-98 URLs are http://<Host header><target>.
#include <iostream>

#include "api_harness.hpp"
#include "test_routes.hpp"

int main() {
  using namespace pleb;
  api::testing::TestRouteState state;
  api::Router router;
  api::testing::add_test_routes(router, state);
  http::ServerOptions options;
  options.port = 0;
  options.threads = 1;
  http::Server server(options, router.handler(), api::testing::no_websockets());
  std::uint16_t port = server.listen();
  server.on_signal([&server] { server.stop(); });
  std::cout << port << std::endl;
  server.run();
  return 0;
}
