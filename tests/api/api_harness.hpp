#pragma once
// The API under test as clients meet it: a Router behind a real http::Server on an ephemeral loopback
// port, a plain HTTP/1.1 client over a real socket, and NIP-98 headers signed with real keys.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "http/api/router.hpp"
#include "http/server.hpp"
#include "http/websocket.hpp"
#include "nostr/event.hpp"
#include "nostr/secret.hpp"

namespace pleb::api::testing {

struct HttpResult {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // lowercase names
  std::string body;
  std::string header(const std::string& lowercase_name) const {
    auto it = headers.find(lowercase_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// One request on a fresh connection; `headers` may override Host. Throws on a transport error or after
// ten seconds without an answer.
HttpResult send_request(std::uint16_t port, const std::string& method, const std::string& target,
                        const std::map<std::string, std::string>& headers = {}, const std::string& body = "");

// A WebSocket handler that closes every upgraded connection: the API tests need none.
std::shared_ptr<http::WebSocketHandler> no_websockets();

// A Router with `add_routes` applied, served on 127.0.0.1:<ephemeral> by a background thread until
// destroyed.
class ServedRouter {
 public:
  explicit ServedRouter(RouterOptions options, const std::function<void(Router&)>& add_routes = {});
  ~ServedRouter();
  ServedRouter(const ServedRouter&) = delete;
  ServedRouter& operator=(const ServedRouter&) = delete;

  std::uint16_t port() const { return port_; }
  Router& router() { return *router_; }
  HttpResult send(const std::string& method, const std::string& target,
                  const std::map<std::string, std::string>& headers = {},
                  const std::string& body = "") const {
    return send_request(port_, method, target, headers, body);
  }

 private:
  std::unique_ptr<Router> router_;
  std::unique_ptr<http::Server> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

// The "detail" of a problem+json answer, or a description of why the answer is not a well-formed one
// (wrong content type, invalid JSON, status differing from the HTTP status).
std::string problem_detail(const HttpResult& result);
// A top-level string or boolean/number field of a JSON object body, as text; "" when absent.
std::string json_field(const std::string& body, const std::string& name);

struct Signer {
  nostr::SecretKey key;
  nostr::Bytes32 pubkey{};
  std::string pubkey_hex;
};
Signer new_signer();

std::int64_t unix_now();

// A signed NIP-98 event for a request to `url` (absolute) with `method` and `body`.
nostr::Event nip98_event(const Signer& signer, const std::string& url, const std::string& method,
                         const std::string& body = "", std::int64_t created_at = unix_now());
// "Nostr <base64>" of an event.
std::string nostr_authorization(const nostr::Event& event);
// "Nostr <base64>" for a request to `url` (absolute) with `method` and `body`.
std::string nip98_header(const Signer& signer, const std::string& url, const std::string& method,
                         const std::string& body = "", std::int64_t created_at = unix_now());

}  // namespace pleb::api::testing
