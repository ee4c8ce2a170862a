// The only translation unit that includes Boost.Beast's server side. A request flows:
// Listener (accept, per-IP limit) -> HttpSession (HTTP/1.1, keep-alive) -> either the HTTP handler,
// or, on an Upgrade, a WsSession that hands text frames to the application's MessageSink.
#include "http/server.hpp"

#include "http/coalescing_socket.hpp"
#include "http/ws_frame_reader.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <sched.h>
#include <array>

#include <csignal>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <variant>

namespace pleb::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ws = beast::websocket;
using tcp = net::ip::tcp;
using Strand = net::strand<net::io_context::executor_type>;
// Sockets bound to their connection's strand by type: every asynchronous operation on them then carries
// the strand itself instead of a type-erased any_io_executor, whose copies and property queries cost
// about 2 % of the core per ingested event.
using Socket = net::basic_stream_socket<tcp, Strand>;
using HttpStream = beast::basic_stream<tcp, Strand>;

class WsSession;

struct Shared {
  ServerOptions options;
  HttpHandler http;
  std::shared_ptr<WebSocketHandler> websocket;
  std::mutex mutex;
  std::unordered_map<std::string, std::size_t> per_ip;
  std::unordered_map<std::uint64_t, std::weak_ptr<WsSession>> sockets;
  std::atomic<std::uint64_t> next_id{1};
  std::atomic<std::size_t> connections{0};
  std::atomic<bool> stopping{false};
};

// Holds one of an address's connection slots for as long as the connection lives.
class IpSlot {
 public:
  IpSlot() = default;
  IpSlot(std::shared_ptr<Shared> shared, std::string address)
      : shared_(std::move(shared)), address_(std::move(address)) {}
  IpSlot(IpSlot&& other) noexcept : shared_(std::move(other.shared_)), address_(std::move(other.address_)) {}
  IpSlot& operator=(IpSlot&&) = delete;
  ~IpSlot() {
    if (!shared_) return;
    std::lock_guard lock(shared_->mutex);
    if (--shared_->per_ip[address_] == 0) shared_->per_ip.erase(address_);
    --shared_->connections;
  }
  // Takes a slot unless the address is at its limit.
  static std::optional<IpSlot> acquire(const std::shared_ptr<Shared>& shared, const std::string& address) {
    std::lock_guard lock(shared->mutex);
    auto& count = shared->per_ip[address];
    if (count >= shared->options.max_connections_per_ip) {
      if (count == 0) shared->per_ip.erase(address);
      return std::nullopt;
    }
    ++count;
    ++shared->connections;
    return IpSlot(shared, address);
  }
  const std::string& address() const { return address_; }

 private:
  std::shared_ptr<Shared> shared_;
  std::string address_;
};

// Frames waiting to be written. Unlike std::deque, which allocates its first block up front, an idle
// connection's queue holds no memory: idle connections are the common case and they add up.
class OutgoingQueue {
 public:
  using Item = OutgoingMessage;
  bool empty() const { return head_ == items_.size(); }
  std::size_t size() const { return items_.size() - head_; }
  const Item& front() const { return items_[head_]; }
  const Item& back() const { return items_.back(); }
  void push_back(Item item) { items_.push_back(std::move(item)); }
  void pop_back() { items_.pop_back(); }
  void pop_front() {
    items_[head_++] = Item{};
    if (empty()) clear();
  }
  void clear() {
    items_.clear();
    head_ = 0;
    if (items_.capacity() > 64) items_.shrink_to_fit();
  }

 private:
  std::vector<Item> items_;
  std::size_t head_ = 0;
};

class WsSession : public WebSocketConnection, public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(Socket socket, std::shared_ptr<Shared> shared, IpSlot slot)
      : ws_(std::move(socket)),
        shared_(std::move(shared)),
        slot_(std::move(slot)),
        id_(shared_->next_id++),
        frames_(shared_->options.max_message_bytes * 2) {}

  // `pipelined`: what the client sent after the upgrade request, already read with it.
  void start(bhttp::request<bhttp::string_body> request, UpgradeInfo info, std::string_view pipelined) {
    ws_.next_layer().set_owner(weak_from_this());
    ws_.next_layer().preload(pipelined);
    const auto& options = shared_->options;
    // Idle connections are found by the server's sweep (check_idle), not by Beast: Beast re-arms a timer
    // at every read, a cancel, a completion and a new wait per message on the busiest path.
    ws::stream_base::timeout timeout{};
    timeout.handshake_timeout = std::chrono::seconds(30);
    timeout.idle_timeout = ws::stream_base::none();
    timeout.keep_alive_pings = false;
    ws_.set_option(timeout);
    if (options.permessage_deflate) {
      ws::permessage_deflate deflate;
      deflate.server_enable = true;
      deflate.server_max_window_bits = options.deflate_window_bits;
      deflate.client_max_window_bits = options.deflate_window_bits;
      deflate.memLevel = 1;
      deflate.msg_size_threshold = 1024;
      ws_.set_option(deflate);
    }
    // Twice the advertised limit: between the two the client gets a NOTICE and keeps its connection.
    ws_.read_message_max(options.max_message_bytes * 2);
    ws_.text(true);
    // Beast negotiates compression before it calls the decorator, so the response tells.
    ws_.set_option(ws::stream_base::decorator([this](ws::response_type& response) {
      direct_ = response[bhttp::field::sec_websocket_extensions].find("permessage-deflate") ==
                beast::string_view::npos;
    }));
    ws_.async_accept(request, [self = shared_from_this(), info = std::move(info)](beast::error_code ec) {
      self->on_accept(ec, info);
    });
  }

  using WebSocketConnection::send;
  void send(OutgoingMessage message) override { deliver(std::move(message)); }
  void send_on_strand(OutgoingMessage message) override {
    auto executor = ws_.get_executor();
    if (executor.running_in_this_thread()) {
      enqueue(std::move(message));
    } else {
      send(std::move(message));
    }
  }
  void post(std::function<void()> task) override { deliver(std::move(task)); }
  void when_drained(std::size_t below_bytes, std::function<void()> task) override {
    deliver([this, below_bytes, task = std::move(task)]() mutable {
      drain_waiters_.push_back({below_bytes, std::move(task)});
      run_drain_waiters();
    });
  }
  void close() override {
    deliver([this] { begin_close(); });
  }
  const std::string& remote_address() const override { return slot_.address(); }
  std::uint64_t id() const override { return id_; }

  // Runs on the strand once per half idle timeout (the server's sweep). A connection that read nothing
  // (no frame, not even a pong) for a whole period gets a ping; one that then reads nothing for another
  // period is closed, as is one whose close handshake is still unanswered two periods later. So a silent
  // peer is pinged after one to two half-timeouts and dropped after one and a half to two timeouts.
  void check_idle() {
    if (finished_) return;
    if (close_started_) {
      if (++closing_periods_ >= 2) close_socket();
      return;
    }
    if (active_) {
      active_ = false;
      pinged_ = false;
    } else if (!pinged_) {
      pinged_ = true;
      if (direct_) {
        ws_.next_layer().append_frame(Layer::Opcode::ping, {});
        ws_.next_layer().send_pending();
      } else {
        ws_.async_ping({}, [self = shared_from_this()](beast::error_code) {});
      }
    } else {
      close_socket();
    }
  }
  net::any_io_executor executor() { return ws_.get_executor(); }

 private:
  using InboxItem = std::variant<OutgoingMessage, std::function<void()>>;

  // Everything other threads hand this connection (the OKs of a committed batch, live events, query
  // results, tasks) goes through one inbox, in order, and one strand post takes all that arrived
  // meanwhile: a batch of 100 OKs for one connection costs one post instead of 100.
  void deliver(InboxItem item) {
    {
      std::lock_guard lock(inbox_mutex_);
      inbox_.push_back(std::move(item));
      if (inbox_.size() > 1) return;  // a drain is already on its way
    }
    net::post(ws_.get_executor(), [self = shared_from_this()] { self->drain_inbox(); });
  }

  void drain_inbox() {
    std::vector<InboxItem> items;
    {
      std::lock_guard lock(inbox_mutex_);
      items.swap(inbox_);
    }
    // What the items send leaves in one write.
    Cork cork(*this);
    for (auto& item : items) {
      if (auto* message = std::get_if<OutgoingMessage>(&item)) {
        enqueue(std::move(*message));
      } else {
        std::get<std::function<void()>>(item)();
      }
    }
  }

  void on_accept(beast::error_code ec, const UpgradeInfo& info) {
    if (ec) return;
    {
      std::lock_guard lock(shared_->mutex);
      shared_->sockets[id_] = weak_from_this();
    }
    ws_.control_callback([this](ws::frame_type, beast::string_view) { active_ = true; });
    sink_ = shared_->websocket->on_open(shared_from_this(), info);
    if (shared_->stopping) begin_close();
    if (direct_) {
      std::string early = ws_.next_layer().take_read_ahead();
      if (!early.empty()) handle_bytes(early.data(), early.size());
      read_direct();
    } else {
      read();
    }
  }

  // ---- Reading without compression: frames parsed here (WsFrameReader), not by Beast's read operation,
  // which cost more per message than everything else between the socket and the JSON parser. One read
  // takes what the socket holds (up to kDirectReadBytes) into a buffer the thread shares; whole frames
  // are handed on from there, and only an incomplete one is kept, in `partial_`.

  static constexpr std::size_t kDirectReadBytes = 16 * 1024;
  // `partial_` gives back a buffer grown by a large message.
  static constexpr std::size_t kKeptPartialBytes = 4096;

  void read_direct() {
    thread_local std::array<char, kDirectReadBytes> scratch;
    beast::error_code ec;
    const std::size_t got = tcp_socket().read_some(net::buffer(scratch), ec);
    if (ec == net::error::would_block || ec == net::error::try_again) {
      wait_readable();
      return;
    }
    if (ec) {
      finish();
      return;
    }
    active_ = true;
    handle_bytes(scratch.data(), got);
    if (got < scratch.size()) {
      // The socket held less than a buffer: it is empty now, so wait instead of asking again.
      wait_readable();
    } else {
      // More may wait; what else this strand and thread have to do goes first.
      net::post(ws_.get_executor(), [self = shared_from_this()] { self->read_direct(); });
    }
  }

  // Asio re-arms the socket's readiness here, so bytes that came after the last read are not missed.
  void wait_readable() {
    tcp_socket().async_wait(net::socket_base::wait_read, [self = shared_from_this()](beast::error_code ec) {
      if (ec) {
        self->finish();
      } else {
        self->read_direct();
      }
    });
  }

  void handle_bytes(char* data, std::size_t size) {
    if (peer_closed_) return;  // after the close handshake, or a failure: read only to see the end
    std::size_t used = 0;
    if (partial_.empty()) {
      dispatch_frames(data, size, &used);
      if (!peer_closed_ && used < size) partial_.assign(data + used, size - used);
      return;
    }
    partial_.append(data, size);
    dispatch_frames(partial_.data(), partial_.size(), &used);
    partial_.erase(0, used);
    if (peer_closed_ || (partial_.empty() && partial_.capacity() > kKeptPartialBytes)) {
      std::string().swap(partial_);
    }
  }

  void dispatch_frames(char* data, std::size_t size, std::size_t* used) {
    using Kind = WsFrame::Kind;
    const std::size_t limit = shared_->options.max_message_bytes;
    Cork cork(*this);
    // Text messages that lie whole in `data` go to the application together (on_texts), so that it can
    // handle a read's EVENTs as a batch; anything else is handled in its place between them.
    std::vector<std::string_view>& texts = batched_texts();
    texts.clear();
    auto hand_over = [&] {
      if (!texts.empty() && sink_ && !close_started_) sink_->on_texts(texts);
      texts.clear();
    };
    for (;;) {
      const WsFrame frame = frames_.next(data, size, used);
      if (frame.kind == Kind::text && frame.payload.size() <= limit && frame.payload.data() >= data &&
          frame.payload.data() < data + size) {
        texts.push_back(frame.payload);
        continue;
      }
      hand_over();
      switch (frame.kind) {
        case Kind::need_more:
          return;
        case Kind::text:
          // Messages that arrive after this side's close frame are not answered (RFC 6455 5.5.1).
          if (!sink_ || close_started_) break;
          if (frame.payload.size() > limit) {
            sink_->on_oversize(limit);
          } else {
            sink_->on_text(frame.payload);  // gathered from fragments: valid only until the next frame
          }
          break;
        case Kind::binary:
          if (sink_ && !close_started_) sink_->on_binary();
          break;
        case Kind::ping:
          if (!close_started_) ws_.next_layer().append_frame(Layer::Opcode::pong, frame.payload);
          break;
        case Kind::pong:
          break;
        case Kind::close:
          on_peer_close(frame.close_code);
          return;
        case Kind::too_big:
          if (sink_ && !close_started_) sink_->on_oversize(limit);
          fail(frame.close_code, frame.payload);
          return;
        case Kind::protocol:
          fail(frame.close_code, frame.payload);
          return;
      }
    }
  }

  // One list per thread, reused: dispatch_frames never runs twice at once on a thread.
  static std::vector<std::string_view>& batched_texts() {
    thread_local std::vector<std::string_view> texts;
    return texts;
  }

  // The peer closes: answer with its code unless this side's close frame went first, and end the
  // connection once the answer is sent. What still waits to be sent is dropped: the peer is gone.
  void on_peer_close(std::uint16_t code) {
    peer_closed_ = true;
    detach_sink();
    if (!close_started_) {
      drop_queued();
      close_started_ = true;
      append_close_frame(code == 1005 ? 0 : code, {});
    }
    end_after_close_handshake();
  }

  // The peer broke the protocol or sent a message past the refusal limit: what is queued is sent (the
  // NOTICE saying so among it), then a close frame with `code`; nothing more is read.
  void fail(std::uint16_t code, std::string_view reason) {
    peer_closed_ = true;
    detach_sink();
    close_code_ = code;
    close_reason_ = std::string(reason);
    // Through the inbox, behind whatever the application sent on its way out (the NOTICE of a message
    // too big goes there too).
    deliver([this] {
      begin_close();
      end_after_close_handshake();  // when this side's close frame already went
    });
  }

  void append_close_frame(std::uint16_t code, std::string_view reason) {
    auto& layer = ws_.next_layer();
    if (code == 0) {
      layer.append_frame(Layer::Opcode::close, {});
    } else {
      const char code_bytes[2] = {static_cast<char>(code >> 8), static_cast<char>(code & 0xff)};
      layer.append_frame(Layer::Opcode::close, std::string_view(code_bytes, 2), reason.substr(0, 123));
    }
    layer.send_pending();
  }

  // Both close frames have crossed (or the peer failed): once this side's frames are on the wire the
  // connection shuts its sending half and reads until the peer hangs up, a few seconds at most, so the
  // last frames are not lost to a reset.
  void end_after_close_handshake() {
    if (!close_started_ || !peer_closed_ || ending_) return;
    ending_ = true;
    ws_.next_layer().async_drain([self = shared_from_this()](beast::error_code) {
      beast::error_code ignored;
      self->tcp_socket().shutdown(tcp::socket::shutdown_send, ignored);
    });
    deadline_ = std::make_unique<net::steady_timer>(ws_.get_executor(), std::chrono::seconds(5));
    deadline_->async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec) self->close_socket();
    });
  }

  Socket& tcp_socket() { return ws_.next_layer().next_layer(); }

  // What waits to be sent is dropped: the connection will not carry it.
  void drop_queued() {
    queue_.clear();
    queued_bytes_ = 0;
  }

  // Reads a message piece by piece, asking for little at first and doubling: an idle connection then
  // holds a 512-byte buffer instead of the 1.5 KB a whole-message read prepares, and large messages
  // still arrive in a few reads. Idle connections are most of a relay's connections.
  void read() {
    std::size_t ask = std::max<std::size_t>(512, buffer_.size());
    ws_.async_read_some(
        buffer_, ask, [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    active_ = true;
    if (ec) {
      if (ec == ws::error::message_too_big && sink_) sink_->on_oversize(shared_->options.max_message_bytes);
      finish();
      return;
    }
    if (!ws_.is_message_done()) {
      read();
      return;
    }
    if (sink_) {
      Cork cork(*this);
      if (!ws_.got_text()) {
        sink_->on_binary();
      } else if (buffer_.size() > shared_->options.max_message_bytes) {
        sink_->on_oversize(shared_->options.max_message_bytes);
      } else {
        auto data = buffer_.cdata();
        sink_->on_text(std::string_view(static_cast<const char*>(data.data()), data.size()));
      }
    }
    buffer_.consume(buffer_.size());
    // Keep idle connections small: a buffer grown by a large message is given back.
    if (buffer_.capacity() > 4096) buffer_.shrink_to_fit();
    read();
  }

  void run_drain_waiters() {
    if (close_started_ || overflowed_) {
      drain_waiters_.clear();
      return;
    }
    Cork cork(*this);
    for (std::size_t i = 0; i < drain_waiters_.size();) {
      if (queued_bytes_ <= drain_waiters_[i].below_bytes) {
        auto task = std::move(drain_waiters_[i].task);
        drain_waiters_.erase(drain_waiters_.begin() + static_cast<std::ptrdiff_t>(i));
        task();
      } else {
        ++i;
      }
    }
  }

  void enqueue(OutgoingMessage text) {
    if (close_started_ || overflowed_) return;
    // A message with nothing waiting before it always fits; the bound is on what piles up.
    if (queued_bytes_ > 0 && queued_bytes_ + text.size() > shared_->options.max_outgoing_bytes) {
      overflow();
      return;
    }
    queued_bytes_ += text.size();
    queue_.push_back(std::move(text));
    if (!writing_) write_next();
  }

  // A reader too slow for what it asked for: drop what waits, say why, close, and give it 5 s to go.
  void overflow() {
    overflowed_ = true;
    if (sink_) sink_->on_overflow();
    while (queue_.size() > (writing_ ? 1u : 0u)) {
      queued_bytes_ -= queue_.back().size();
      queue_.pop_back();
    }
    drain_waiters_.clear();
    auto notice = std::make_shared<const std::string>(
        "[\"NOTICE\",\"error: connection closed, the client reads too slowly for its subscriptions\"]");
    queued_bytes_ += notice->size();
    queue_.push_back(OutgoingMessage{std::move(notice), nullptr, {}});
    closing_ = true;
    deadline_ = std::make_unique<net::steady_timer>(ws_.get_executor(), std::chrono::seconds(5));
    deadline_->async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec) self->close_socket();
    });
    if (!writing_) write_next();
  }

  // Holds frames framed here back until the end of the outermost such scope, so that what one message,
  // one inbox drain or one query slice sends leaves in one write.
  class Cork {
   public:
    explicit Cork(WsSession& session) : session_(session.direct_ ? &session : nullptr) {
      if (session_ && session_->corks_++ == 0) session_->ws_.next_layer().cork();
    }
    ~Cork() {
      if (session_ && --session_->corks_ == 0) session_->ws_.next_layer().uncork();
    }
    Cork(const Cork&) = delete;
    Cork& operator=(const Cork&) = delete;

   private:
    WsSession* session_;
  };

  // Without compression a message's frame is built here and handed to the socket layer whole: Beast's
  // write operation per message (composed operations, handler allocations, a post per completion) cost
  // more than the send. Beast still writes its control frames (ping, pong, close) through the same
  // layer, which appends every write whole, so frames never interleave.
  void write_direct() {
    auto& layer = ws_.next_layer();
    if (close_started_) {
      drop_queued();
      return;
    }
    while (!queue_.empty() && layer.has_room()) {
      const OutgoingMessage& message = queue_.front();
      queued_bytes_ -= message.size();
      layer.append_frame(Layer::Opcode::text, *message.head,
                         message.body ? std::string_view(*message.body) : std::string_view{}, message.tail);
      queue_.pop_front();
    }
    layer.send_pending();
    if (!queue_.empty()) {
      // The layer's buffer is full: the rest waits until the socket took it.
      writing_ = true;
      layer.async_drain([self = shared_from_this()](beast::error_code ec) { self->on_write(ec, false); });
      return;
    }
    if (!drain_waiters_.empty()) run_drain_waiters();
    if (queue_.empty() && closing_ && !writing_) start_close_frame();
  }

  void write_next() {
    if (direct_) {
      write_direct();
      return;
    }
    writing_ = true;
    // While frames wait behind the one being written, the socket layer gathers them and sends them in
    // one write: a connection that fell behind (a burst of live events, many OKs) catches up with one
    // system call instead of one per frame.
    if (queue_.size() > 1) ws_.next_layer().cork();
    // The frame being written no longer waits: the bound is on what waits behind it, so a message
    // bigger than the bound (a large event for a small bound) never starves what follows it.
    const OutgoingMessage& message = queue_.front();
    queued_bytes_ -= message.size();
    std::array<net::const_buffer, 3> parts{
        net::buffer(*message.head),
        message.body ? net::buffer(*message.body) : net::const_buffer{},
        net::buffer(message.tail.data(), message.tail.size()),
    };
    ws_.async_write(
        parts, [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_write(ec, true); });
  }

  // `sent_front`: the completion of Beast's write of the front message (not of a direct drain).
  void on_write(beast::error_code ec, bool sent_front) {
    writing_ = false;
    if (ec) {
      drop_queued();
      drain_waiters_.clear();
      return;  // the pending read fails too and finishes the session
    }
    if (sent_front) queue_.pop_front();
    // Uncorking sends the rest at once, so a lone frame is never delayed.
    if (queue_.empty()) ws_.next_layer().uncork();
    // A waiter may queue at once (send_on_strand) and so start the next write itself.
    if (!drain_waiters_.empty()) run_drain_waiters();
    if (writing_) return;
    if (!queue_.empty()) {
      write_next();
    } else if (closing_) {
      start_close_frame();
    }
  }

  void begin_close() {
    closing_ = true;
    if (!writing_ && queue_.empty()) start_close_frame();
  }

  void start_close_frame() {
    if (close_started_) return;
    close_started_ = true;
    if (direct_) {
      append_close_frame(close_code_, close_reason_);
      end_after_close_handshake();
      return;
    }
    ws_.async_close(ws::close_code::normal, [self = shared_from_this()](beast::error_code) {});
  }

  // The pending read then fails and finishes the session.
  void close_socket() {
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).close(ignored);
  }

  void finish() {
    if (finished_) return;
    finished_ = true;
    detach_sink();
    if (deadline_) deadline_->cancel();
    std::lock_guard lock(shared_->mutex);
    shared_->sockets.erase(id_);
  }

  // The application hears no more from this connection.
  void detach_sink() {
    drain_waiters_.clear();
    if (sink_) {
      sink_->on_close();
      sink_.reset();
    }
  }

  using Layer = CoalescingSocket<Socket>;
  ws::stream<Layer> ws_;
  beast::flat_buffer buffer_;
  std::shared_ptr<Shared> shared_;
  IpSlot slot_;
  std::uint64_t id_;
  std::shared_ptr<MessageSink> sink_;
  OutgoingQueue queue_;
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool closing_ = false;
  bool close_started_ = false;
  bool overflowed_ = false;
  bool finished_ = false;
  bool active_ = true;        // read something since the last idle check
  bool direct_ = false;       // no compression: frames are read (read_direct) and written (write_direct) here
  bool peer_closed_ = false;  // direct: the peer's close frame came, or it failed; nothing more is parsed
  bool ending_ = false;       // direct: closing the TCP connection (end_after_close_handshake)
  std::uint16_t close_code_ = 1000;
  std::string close_reason_;
  WsFrameReader frames_;
  std::string partial_;  // direct: the start of a frame that has not fully arrived
  unsigned corks_ = 0;   // Cork scopes open
  bool pinged_ = false;
  int closing_periods_ = 0;
  std::unique_ptr<net::steady_timer> deadline_;
  struct DrainWaiter {
    std::size_t below_bytes;
    std::function<void()> task;
  };
  std::vector<DrainWaiter> drain_waiters_;
  std::mutex inbox_mutex_;
  std::vector<InboxItem> inbox_;
};

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(Socket socket, std::shared_ptr<Shared> shared, std::optional<IpSlot> slot, std::string address)
      : stream_(std::move(socket)),
        shared_(std::move(shared)),
        slot_(std::move(slot)),
        address_(std::move(address)) {}

  void run() { read(); }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(shared_->options.max_http_body_bytes);
    parser_->header_limit(16 * 1024);
    stream_.expires_after(std::chrono::seconds(30));
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) {
      respond(problem(413, "Payload Too Large", "the request body is larger than the server accepts"), false);
      return;
    }
    if (ec) {
      shutdown();
      return;
    }
    auto request = parser_->release();
    if (!slot_) {
      respond(problem(429, "Too Many Requests", "too many connections from this address"), false);
      return;
    }
    // A server without a WebSocket handler (the processor's probes) answers upgrades as plain requests.
    if (shared_->websocket && ws::is_upgrade(request)) {
      if (shared_->stopping) {
        respond(problem(503, "Service Unavailable", "the server is shutting down"), false);
        return;
      }
      UpgradeInfo info{address_, std::string(request[bhttp::field::host]), std::string(request.target())};
      stream_.expires_never();
      auto session = std::make_shared<WsSession>(stream_.release_socket(), shared_, std::move(*slot_));
      auto pipelined = buffer_.cdata();
      session->start(std::move(request), std::move(info),
                     std::string_view(static_cast<const char*>(pipelined.data()), pipelined.size()));
      return;
    }
    HttpRequest converted;
    converted.method = std::string(request.method_string());
    converted.target = std::string(request.target());
    for (const auto& field : request) {
      std::string name(field.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      converted.headers[name] = std::string(field.value());
    }
    converted.body = std::move(request.body());
    converted.remote_address = address_;
    HttpResponse response;
    try {
      response = shared_->http(converted);
    } catch (const std::exception&) {
      response = problem(500, "Internal Server Error", "the request could not be handled");
    }
    respond(std::move(response), request.keep_alive() && !shared_->stopping,
            request.method() == bhttp::verb::head, request.version());
  }

  static HttpResponse problem(unsigned status, std::string_view title, std::string_view detail) {
    return problem_response(status, title, detail);
  }

  void respond(HttpResponse response, bool keep_alive, bool head = false, unsigned version = 11) {
    auto message = std::make_shared<bhttp::response<bhttp::string_body>>(
        static_cast<bhttp::status>(response.status), version);
    message->set(bhttp::field::server, "pleb");
    message->set(bhttp::field::content_type, response.content_type);
    for (const auto& [name, value] : response.headers) message->set(name, value);
    message->keep_alive(keep_alive);
    std::size_t length = response.body.size();
    if (!head) message->body() = std::move(response.body);
    message->content_length(length);
    bhttp::async_write(stream_, *message,
                       [self = shared_from_this(), message, keep_alive](beast::error_code ec, std::size_t) {
                         if (ec || !keep_alive) {
                           self->shutdown();
                         } else {
                           self->read();
                         }
                       });
  }

  void shutdown() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  HttpStream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::shared_ptr<Shared> shared_;
  std::optional<IpSlot> slot_;
  std::string address_;
};

// The cores this process may run on (taskset, cgroup cpusets), not all the machine has: more I/O threads
// than cores only adds context switches.
unsigned usable_cores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace

namespace {

void append_escaped(std::string& out, std::string_view text) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (byte < 0x20) {
      out.append("\\u00").push_back(kDigits[byte >> 4]);
      out.push_back(kDigits[byte & 0xf]);
    } else {
      out.push_back(c);
    }
  }
}

}  // namespace

HttpResponse problem_response(unsigned status, std::string_view title, std::string_view detail) {
  std::string body = "{\"type\":\"about:blank\",\"title\":\"";
  append_escaped(body, title);
  body.append("\",\"status\":").append(std::to_string(status)).append(",\"detail\":\"");
  append_escaped(body, detail);
  body.append("\"}");
  return HttpResponse{status, "application/problem+json", std::move(body), {}};
}

struct Server::Impl {
  net::io_context ioc;
  // The acceptor's completions and its close in stop() run on one strand: an accept completing on one
  // I/O thread must not start the next async_accept while another thread closes the acceptor.
  Strand accept_strand = net::make_strand(ioc);
  tcp::acceptor acceptor{accept_strand};
  std::shared_ptr<Shared> shared = std::make_shared<Shared>();
  std::vector<std::thread> threads;
  net::signal_set signals{ioc, SIGINT, SIGTERM};
  net::signal_set reload_signals{ioc, SIGHUP};
  std::function<void()> reload_handler;

  void wait_for_reload() {
    reload_signals.async_wait([this](beast::error_code ec, int) {
      if (ec) return;
      reload_handler();
      wait_for_reload();
    });
  }
  std::unique_ptr<net::steady_timer> stop_timer;
  net::steady_timer idle_sweep{ioc};

  // One timer for all connections instead of one per connection: idle connections stay small and a
  // busy one pays nothing per message (WsSession::check_idle).
  void sweep_idle_connections(std::chrono::milliseconds period) {
    idle_sweep.expires_after(period);
    idle_sweep.async_wait([this, period](beast::error_code ec) {
      if (ec) return;
      std::vector<std::shared_ptr<WsSession>> sessions;
      {
        std::lock_guard lock(shared->mutex);
        sessions.reserve(shared->sockets.size());
        for (auto& [id, weak] : shared->sockets) {
          if (auto session = weak.lock()) sessions.push_back(std::move(session));
        }
      }
      for (auto& session : sessions) net::post(session->executor(), [session] { session->check_idle(); });
      sweep_idle_connections(period);
    });
  }

  // Clients that never answer the close frame must not hold the process: stop hard at the deadline.
  void wait_for_connections_then_stop(std::chrono::steady_clock::time_point deadline) {
    if (shared->connections == 0 || std::chrono::steady_clock::now() >= deadline) {
      signals.cancel();
      reload_signals.cancel();
      idle_sweep.cancel();
      ioc.stop();
      return;
    }
    stop_timer = std::make_unique<net::steady_timer>(ioc, std::chrono::milliseconds(20));
    stop_timer->async_wait([this, deadline](beast::error_code) { wait_for_connections_then_stop(deadline); });
  }

  void accept() {
    acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, Socket socket) {
      if (ec) {
        if (acceptor.is_open()) accept();
        return;
      }
      beast::error_code endpoint_error;
      auto endpoint = socket.remote_endpoint(endpoint_error);
      if (!endpoint_error) {
        socket.set_option(tcp::no_delay(true), endpoint_error);
        std::string address = endpoint.address().to_string();
        auto slot = IpSlot::acquire(shared, address);
        std::make_shared<HttpSession>(std::move(socket), shared, std::move(slot), std::move(address))->run();
      }
      accept();
    });
  }
};

Server::Server(ServerOptions options, HttpHandler http, std::shared_ptr<WebSocketHandler> websocket)
    : impl_(std::make_unique<Impl>()) {
  impl_->shared->options = std::move(options);
  impl_->shared->http = std::move(http);
  impl_->shared->websocket = std::move(websocket);
}

Server::~Server() {
  impl_->ioc.stop();
  for (auto& thread : impl_->threads) {
    if (thread.joinable()) thread.join();
  }
}

std::uint16_t Server::listen() {
  const auto& options = impl_->shared->options;
  tcp::endpoint endpoint(net::ip::make_address(options.host), options.port);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(net::socket_base::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen(net::socket_base::max_listen_connections);
  impl_->accept();
  if (options.idle_timeout.count() > 0)
    impl_->sweep_idle_connections(
        std::chrono::duration_cast<std::chrono::milliseconds>(options.idle_timeout) / 2);
  return impl_->acceptor.local_endpoint().port();
}

void Server::run() {
  unsigned count = impl_->shared->options.threads;
  if (count == 0) count = usable_cores();
  for (unsigned i = 1; i < count; ++i) impl_->threads.emplace_back([this] { impl_->ioc.run(); });
  impl_->ioc.run();
  for (auto& thread : impl_->threads) thread.join();
  impl_->threads.clear();
}

void Server::stop() {
  net::post(impl_->accept_strand, [this] {
    impl_->shared->stopping = true;
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
    std::vector<std::shared_ptr<WsSession>> sessions;
    {
      std::lock_guard lock(impl_->shared->mutex);
      for (auto& [id, weak] : impl_->shared->sockets) {
        if (auto session = weak.lock()) sessions.push_back(session);
      }
    }
    for (auto& session : sessions) session->close();
    impl_->wait_for_connections_then_stop(std::chrono::steady_clock::now() + std::chrono::seconds(3));
  });
}

void Server::on_signal(std::function<void()> handler) {
  impl_->signals.async_wait([handler = std::move(handler)](beast::error_code ec, int) {
    if (!ec) handler();
  });
}

void Server::on_reload(std::function<void()> handler) {
  impl_->reload_handler = std::move(handler);
  impl_->wait_for_reload();
}

std::size_t Server::connection_count() const {
  return impl_->shared->connections;
}

}  // namespace pleb::http
