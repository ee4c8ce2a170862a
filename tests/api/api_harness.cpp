#include "api_harness.hpp"

#include <sys/socket.h>
#include <sys/time.h>

#include <simdjson.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>

#include "http/websocket.hpp"
#include "nostr/kinds.hpp"
#include "nostr/nip98.hpp"
#include "nostr/schnorr.hpp"
#include "nostr/sha256.hpp"

namespace pleb::api::testing {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;

// The API tests never upgrade; a WebSocket that does is closed at once.
class IgnoredMessages final : public http::MessageSink {
 public:
  void on_text(std::string_view) override {}
  void on_binary() override {}
  void on_oversize(std::size_t) override {}
  void on_close() override {}
};

class NoWebSockets final : public http::WebSocketHandler {
 public:
  std::shared_ptr<http::MessageSink> on_open(std::shared_ptr<http::WebSocketConnection> connection,
                                             const http::UpgradeInfo&) override {
    connection->close();
    return std::make_shared<IgnoredMessages>();
  }
};

}  // namespace

std::shared_ptr<http::WebSocketHandler> no_websockets() {
  return std::make_shared<NoWebSockets>();
}

HttpResult send_request(std::uint16_t port, const std::string& method, const std::string& target,
                        const std::map<std::string, std::string>& headers, const std::string& body) {
  net::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(tcp::endpoint(net::ip::address_v4::loopback(), port));
  timeval timeout{10, 0};  // bounded wait: a hung server fails the test instead of hanging it
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);

  bhttp::request<bhttp::string_body> request;
  request.method_string(method);
  request.target(target);
  request.version(11);
  request.set(bhttp::field::host, "127.0.0.1:" + std::to_string(port));
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = body;
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") request.prepare_payload();
  request.keep_alive(false);
  bhttp::write(socket, request);

  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(16 * 1024 * 1024);
  parser.skip(method == "HEAD");
  bhttp::read(socket, buffer, parser);
  auto response = parser.release();

  HttpResult result;
  result.status = response.result_int();
  for (const auto& field : response) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    result.headers[name] = std::string(field.value());
  }
  result.body = std::move(response.body());
  beast::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  return result;
}

ServedRouter::ServedRouter(RouterOptions options, const std::function<void(Router&)>& add_routes)
    : router_(std::make_unique<Router>(std::move(options))) {
  if (add_routes) add_routes(*router_);
  http::ServerOptions server_options;
  server_options.port = 0;
  // One I/O thread: http::Server closes its acceptor in stop() on whichever I/O thread runs the posted task
  // while another may be starting the next accept, a race the sanitizers report at shutdown.
  server_options.threads = 1;
  server_ = std::make_unique<http::Server>(server_options, router_->handler(), no_websockets());
  port_ = server_->listen();
  thread_ = std::thread([this] { server_->run(); });
}

ServedRouter::~ServedRouter() {
  server_->stop();
  thread_.join();
}

std::string problem_detail(const HttpResult& result) {
  if (result.header("content-type") != "application/problem+json") {
    return "<content type " + result.header("content-type") + ">";
  }
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (parser.parse(result.body).get_object().get(object)) return "<invalid JSON: " + result.body + ">";
  std::int64_t status = 0;
  std::string_view detail, title;
  if (object["status"].get_int64().get(status) || object["title"].get_string().get(title) ||
      object["detail"].get_string().get(detail)) {
    return "<missing problem fields: " + result.body + ">";
  }
  if (status != result.status) return "<status " + std::to_string(status) + " in the body>";
  return std::string(detail);
}

std::string json_field(const std::string& body, const std::string& name) {
  simdjson::dom::parser parser;
  simdjson::dom::element value;
  if (parser.parse(body)[name].get(value)) return "";
  if (value.is_string()) return std::string(value.get_string().value());
  return simdjson::minify(value);
}

Signer new_signer() {
  Signer signer;
  signer.key = nostr::generate_secret_key();
  signer.pubkey = *nostr::public_key(signer.key);
  signer.pubkey_hex = nostr::to_hex(signer.pubkey);
  return signer;
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

nostr::Event nip98_event(const Signer& signer, const std::string& url, const std::string& method,
                         const std::string& body, std::int64_t created_at) {
  nostr::Event event;
  event.kind = nostr::kKindHttpAuth;
  event.created_at = created_at;
  event.tags = {{"u", url}, {"method", method}};
  if (!body.empty()) event.tags.push_back({"payload", nostr::to_hex(nostr::sha256(body))});
  if (!nostr::sign_event(event, signer.key)) throw std::runtime_error("signing failed");
  return event;
}

std::string nostr_authorization(const nostr::Event& event) {
  return "Nostr " + nostr::nip98::encode_authorization(event);
}

std::string nip98_header(const Signer& signer, const std::string& url, const std::string& method,
                         const std::string& body, std::int64_t created_at) {
  return nostr_authorization(nip98_event(signer, url, method, body, created_at));
}

}  // namespace pleb::api::testing
