#include "ws_client.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>

namespace pleb::load {
namespace {

namespace beast = boost::beast;
namespace ws = beast::websocket;
using tcp = net::ip::tcp;

class BeastClient final : public WsClient, public std::enable_shared_from_this<BeastClient> {
 public:
  BeastClient(net::io_context& ioc, const Target& target, bool compression, ClientEvents& events,
              std::size_t index)
      : WsClient(index), ws_(ioc), target_(target), compression_(compression), events_(events) {}

  void start(const tcp::endpoint& endpoint) {
    ws_.next_layer().async_connect(
        endpoint, [self = shared_from_this()](beast::error_code ec) { self->on_connect(ec); });
  }

  void send(std::shared_ptr<const std::string> text) override {
    if (!open_ || closing_) return;
    queue_.push_back(std::move(text));
    if (!writing_) write_next();
  }

  void close() override {
    if (ended_ || closing_) return;
    closing_ = true;
    if (!open_) {  // still connecting: abandon it, the pending operation fails and ends the client
      beast::error_code ignored;
      ws_.next_layer().close(ignored);
      return;
    }
    if (!writing_) send_close_frame();
  }

  bool is_open() const override { return open_; }
  bool compressed() const override { return compressed_; }

 private:
  void on_connect(beast::error_code ec) {
    if (ec) return end(closing_ ? std::string() : "connect: " + ec.message());
    ws_.next_layer().set_option(tcp::no_delay(true), ec);
    ws_.set_option(ws::stream_base::timeout::suggested(beast::role_type::client));
    if (compression_) {
      ws::permessage_deflate deflate;
      deflate.client_enable = true;
      ws_.set_option(deflate);
    }
    ws_.text(true);
    ws_.async_handshake(response_, target_.host_header(), target_.path,
                        [self = shared_from_this()](beast::error_code ec) { self->on_handshake(ec); });
  }

  void on_handshake(beast::error_code ec) {
    if (ec) return end(closing_ ? std::string() : "handshake: " + ec.message());
    if (closing_) return end("");
    auto extensions = response_[beast::http::field::sec_websocket_extensions];
    compressed_ = extensions.find("permessage-deflate") != beast::string_view::npos;
    response_ = {};  // a connection's memory should be what it needs while open
    open_ = true;
    events_.on_open(*this);
    read();
  }

  void read() {
    ws_.async_read(buffer_,
                   [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec) {
      bool ours = closing_ && (ec == ws::error::closed || ec == net::error::operation_aborted);
      return end(ours ? std::string() : "read: " + ec.message());
    }
    auto data = buffer_.cdata();
    events_.on_message(*this, std::string_view(static_cast<const char*>(data.data()), data.size()));
    buffer_.consume(buffer_.size());
    if (!ended_) read();
  }

  void write_next() {
    writing_ = true;
    ws_.async_write(net::buffer(*queue_.front()),
                    [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_write(ec); });
  }

  void on_write(beast::error_code ec) {
    writing_ = false;
    if (ec) {
      queue_.clear();  // the pending read fails as well and ends the client
      return;
    }
    queue_.pop_front();
    if (!queue_.empty()) {
      write_next();
    } else if (closing_) {
      send_close_frame();
    }
  }

  void send_close_frame() {
    ws_.async_close(ws::close_code::normal, [self = shared_from_this()](beast::error_code ec) {
      if (ec) self->end(std::string());  // the read may never complete on a broken stream
    });
  }

  void end(const std::string& error) {
    if (ended_) return;
    ended_ = true;
    open_ = false;
    queue_.clear();
    events_.on_end(*this, error);
  }

  ws::stream<tcp::socket> ws_;
  ws::response_type response_;
  beast::flat_buffer buffer_;
  Target target_;
  bool compression_;
  ClientEvents& events_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  bool open_ = false, writing_ = false, closing_ = false, ended_ = false, compressed_ = false;
};

}  // namespace

Fleet::Fleet(net::io_context& ioc, const Target& target, ClientEvents& handler, Phase& phase,
             FleetOptions options)
    : ioc_(ioc),
      target_(target),
      endpoint_(net::ip::make_address(target.host), static_cast<unsigned short>(std::stoi(target.port))),
      handler_(handler),
      phase_(phase),
      options_(options) {}

void Fleet::add(std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    clients_.push_back(
        std::make_shared<BeastClient>(ioc_, target_, options_.compression, *this, clients_.size()));
    was_opened_.push_back(false);
  }
  launch();
}

void Fleet::launch() {
  while (next_ < clients_.size() && in_flight_ < std::max<std::size_t>(1, options_.concurrency)) {
    ++in_flight_;
    ++started_;
    static_cast<BeastClient&>(*clients_[next_++]).start(endpoint_);
  }
}

void Fleet::close_all() {
  next_ = clients_.size();  // those not started yet never will be
  for (auto& client : clients_) client->close();
}

void Fleet::on_open(WsClient& client) {
  ++opened_;
  --in_flight_;
  was_opened_[client.index()] = true;
  launch();
  handler_.on_open(client);
  phase_.stop_when_done();
}

void Fleet::on_message(WsClient& client, std::string_view text) {
  handler_.on_message(client, text);
  phase_.stop_when_done();
}

void Fleet::on_end(WsClient& client, const std::string& error) {
  ++ended_;
  if (!was_opened_[client.index()]) {
    ++failed_;
    --in_flight_;
    launch();
  } else if (!error.empty()) {
    ++dropped_;
  }
  if (!error.empty() && first_error_.empty()) first_error_ = error;
  handler_.on_end(client, error);
  phase_.stop_when_done();
}

}  // namespace pleb::load
