#pragma once
// The layer under a WebSocket stream that turns runs of small frames into few system calls, both ways.
//
// Writes: a relay's busiest writes are small and come in bursts on one connection: the OKs of a
// committed batch, the live events of a busy subscription. Every frame is copied into one buffer and
// reported written at once; while the connection is corked the buffer gathers frames, and uncorking
// sends the whole buffer in one write. Uncorked, a frame is sent at once, by a non-blocking send()
// that usually takes it all; only what the socket refuses waits for an asynchronous write.
//
// Reads (connections with compression; the others are read by their session, WsFrameReader): Beast
// asks its next layer for at most 1.5 KB at a time, so a publisher's stream of events
// cost one recv() (and the ACK it sends) per two or three events. This layer reads what the socket
// already holds, up to kReadAheadBytes, in one call and answers Beast's next asks from it. The bytes
// are kept only while they wait: a connection with nothing pending holds no read buffer, and one with
// nothing to read waits for readiness without a buffer at all.

//
// Included only by server.cpp, like the rest of Beast's server side.
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace pleb::http {

template <class Socket>
class CoalescingSocket {
 public:
  using socket_type = Socket;
  using executor_type = typename socket_type::executor_type;
  using next_layer_type = socket_type;
  using error_code = boost::system::error_code;

  // Past this many buffered bytes a corked connection sends what it has without waiting to uncork,
  // and a write beyond twice as much waits for the socket: the buffer stays bounded.
  static constexpr std::size_t kFlushBytes = 16 * 1024;
  // What a buffer may keep once the connection has nothing to send: a connection that once caught up
  // with a burst must not hold tens of KiB for the rest of its life (idle connections add up).
  static constexpr std::size_t kIdleBufferBytes = 2048;
  // The most one read takes from the socket: about thirty typical events. 64 KiB measured the same, and
  // this is also the most a connection holds while its messages wait to be handled.
  static constexpr std::size_t kReadAheadBytes = 16 * 1024;

  // Reads are attempted without blocking and waited for only when the socket has nothing.
  explicit CoalescingSocket(socket_type socket) : socket_(std::move(socket)) {
    error_code ignored;  // a socket that refuses is closed already; its first read reports that
    socket_.non_blocking(true, ignored);
  }

  executor_type get_executor() noexcept { return socket_.get_executor(); }
  socket_type& next_layer() noexcept { return socket_; }
  const socket_type& next_layer() const noexcept { return socket_; }

  // Bytes that arrived before this layer existed (frames a client sent right behind its upgrade request,
  // read along with it): the next reads return them first, so none of them is lost.
  void preload(std::string_view bytes) { read_ahead_.append(bytes); }
  // What was read ahead and not yet asked for, handed to an owner that reads the socket itself.
  std::string take_read_ahead() {
    std::string rest = read_ahead_.substr(read_pos_);
    read_pos_ = 0;
    std::string().swap(read_ahead_);
    return rest;
  }

  // Keeps the connection that owns this layer alive while a flush it no longer waits for is in flight.
  void set_owner(std::weak_ptr<void> owner) { owner_ = std::move(owner); }

  // While corked, frames gather; uncorking sends them. Both are idempotent. Call only on the connection's
  // strand.
  void cork() { corked_ = true; }
  void uncork() {
    corked_ = false;
    if (!pending_.empty() && !flushing_) flush();
  }

  // A whole unmasked frame (a server's) with FIN set, its payload given in parts, appended to what waits
  // to be sent. For connections without compression the owner frames its messages itself: Beast's
  // write operation per message costs more than the frame. Sent by send_pending() or uncork().
  enum class Opcode : unsigned char { text = 0x1, close = 0x8, ping = 0x9, pong = 0xa };
  void append_frame(Opcode opcode, std::string_view a, std::string_view b = {}, std::string_view c = {}) {
    const std::uint64_t size = a.size() + b.size() + c.size();
    char header[10] = {static_cast<char>(0x80 | static_cast<unsigned char>(opcode))};
    std::size_t header_size = 2;
    if (size < 126) {
      header[1] = static_cast<char>(size);
    } else if (size <= 0xffff) {
      header[1] = 126;
      header[2] = static_cast<char>(size >> 8);
      header[3] = static_cast<char>(size);
      header_size = 4;
    } else {
      header[1] = 127;
      for (int i = 0; i < 8; ++i) header[2 + i] = static_cast<char>(size >> (56 - 8 * i));
      header_size = 10;
    }
    pending_.append(header, header_size).append(a).append(b).append(c);
  }
  // True while appended frames fit under the buffer's bound.
  bool has_room() const { return pending_.size() < 2 * kFlushBytes; }
  // Sends what waits, unless corked with less than kFlushBytes.
  void send_pending() {
    if (!flushing_ && !pending_.empty() && (!corked_ || pending_.size() >= kFlushBytes)) flush();
  }

  // Completes once everything accepted so far has been handed to the socket (uncorking first).
  template <class Token>
  auto async_drain(Token&& token) {
    return boost::asio::async_initiate<Token, void(error_code)>(
        [self = this](auto handler) { self->start_drain(std::move(handler)); }, token);
  }

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(error_code, std::size_t)>(
        [self = this](auto handler, const MutableBuffers& into) {
          self->start_read(into, std::move(handler));
        },
        token, buffers);
  }

  // Beast has at most one write outstanding on its next layer (its own write lock covers data and
  // control frames), so a single waiting handler suffices.
  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(error_code, std::size_t)>(
        [self = this](auto handler, const ConstBuffers& data) {
          self->start_write(data, std::move(handler));
        },
        token, buffers);
  }

 private:
  template <class MutableBuffers, class H>
  void start_read(const MutableBuffers& into, H handler) {
    namespace net = boost::asio;
    if (read_pos_ < read_ahead_.size()) {
      std::size_t n =
          net::buffer_copy(into, net::buffer(read_ahead_.data() + read_pos_, read_ahead_.size() - read_pos_));
      read_pos_ += n;
      if (read_pos_ == read_ahead_.size()) {
        read_pos_ = 0;
        release(read_ahead_);
      }
      net::post(get_executor(), net::append(std::move(handler), error_code{}, n));
      return;
    }
    thread_local char scratch[kReadAheadBytes];
    error_code ec;
    std::size_t got = socket_.read_some(net::buffer(scratch), ec);
    if (ec == net::error::would_block || ec == net::error::try_again) {
      socket_.async_wait(net::socket_base::wait_read,
                         [this, into, handler = std::move(handler)](error_code wait_error) mutable {
                           if (wait_error) {
                             std::move(handler)(wait_error, std::size_t{0});
                           } else {
                             start_read(into, std::move(handler));
                           }
                         });
      return;
    }
    std::size_t n = 0;
    if (!ec) {
      n = net::buffer_copy(into, net::buffer(scratch, got));
      if (n < got) read_ahead_.assign(scratch + n, got - n);
    }
    net::post(get_executor(), net::append(std::move(handler), ec, n));
  }

  template <class H>
  void start_drain(H handler) {
    corked_ = false;
    if (pending_.empty() && !flushing_) {
      boost::asio::post(get_executor(), boost::asio::append(std::move(handler), failed_));
      return;
    }
    drained_ = DrainHandler(std::move(handler), get_executor());
    if (!flushing_) flush();
  }

  // A stored completion handler, posted once with its results. (Asio's any_completion_handler in this
  // Boost wraps itself recursively when moved from an lvalue, so the erasure is our own.)
  template <class... Args>
  class Stored {
   public:
    Stored() = default;
    template <class H>
    Stored(H handler, executor_type executor)
        : call_(std::make_unique<Of<H>>(std::move(handler), std::move(executor))) {}
    explicit operator bool() const { return call_ != nullptr; }
    void post(Args... args) {
      auto call = std::move(call_);
      call->post(args...);
    }

   private:
    struct Base {
      virtual ~Base() = default;
      virtual void post(Args... args) = 0;
    };
    template <class H>
    struct Of final : Base {
      Of(H h, executor_type e) : handler(std::move(h)), executor(std::move(e)) {}
      void post(Args... args) override {
        boost::asio::post(executor, boost::asio::append(std::move(handler), args...));
      }
      H handler;
      executor_type executor;
    };
    std::unique_ptr<Base> call_;
  };
  using Handler = Stored<error_code, std::size_t>;
  using DrainHandler = Stored<error_code>;

  // Every write is appended whole to the buffer, also when nothing waits: frames written by the owner
  // (append_text_frame) and by Beast (control frames, compressed messages) then never interleave.
  template <class ConstBuffers, class H>
  void start_write(const ConstBuffers& data, H handler) {
    namespace net = boost::asio;
    if (failed_) {
      net::post(get_executor(), net::append(std::move(handler), failed_, std::size_t{0}));
      return;
    }
    const std::size_t size = net::buffer_size(data);
    append(data);
    if (pending_.size() <= 2 * kFlushBytes) {
      net::post(get_executor(), net::append(std::move(handler), error_code{}, size));
      send_pending();
      return;
    }
    // The buffer is past its bound: answered once these bytes are sent.
    waiting_ = Handler(std::move(handler), get_executor());
    waiting_size_ = size;
    waiting_in_flight_ = false;
    if (!flushing_) flush();
  }

  template <class ConstBuffers>
  void append(const ConstBuffers& data) {
    for (auto it = boost::asio::buffer_sequence_begin(data); it != boost::asio::buffer_sequence_end(data);
         ++it) {
      boost::asio::const_buffer part(*it);
      pending_.append(static_cast<const char*>(part.data()), part.size());
    }
  }

  void flush() {
    namespace net = boost::asio;
    flushing_ = true;
    in_flight_.swap(pending_);
    pending_.clear();
    if (waiting_) waiting_in_flight_ = true;
    // The socket usually takes everything at once, and then no asynchronous write is started at all.
    error_code ec;
    std::size_t sent = socket_.write_some(net::buffer(in_flight_), ec);
    if (ec == net::error::would_block || ec == net::error::try_again) {
      ec = {};
      sent = 0;
    }
    if (ec || sent == in_flight_.size()) {
      on_flushed(ec);
      return;
    }
    in_flight_.erase(0, sent);
    net::async_write(socket_, net::buffer(in_flight_),
                     [this, keep = owner_.lock()](error_code e, std::size_t) { on_flushed(e); });
  }

  void on_flushed(error_code ec) {
    flushing_ = false;
    release(in_flight_);
    if (ec) {
      failed_ = ec;
      pending_.clear();
    }
    if (waiting_ && (waiting_in_flight_ || failed_)) {
      waiting_.post(failed_, failed_ ? 0 : waiting_size_);
    }
    if (!pending_.empty() && (waiting_ || drained_ || !corked_ || pending_.size() >= kFlushBytes)) {
      flush();
    } else if (drained_ && pending_.empty()) {
      drained_.post(failed_);
    }
    if (!flushing_ && pending_.empty()) release(pending_);
  }

  static void release(std::string& buffer) {
    buffer.clear();
    if (buffer.capacity() > kIdleBufferBytes) std::string().swap(buffer);
  }

  socket_type socket_;
  std::weak_ptr<void> owner_;
  std::string pending_;     // frames accepted and not yet handed to the socket
  std::string in_flight_;   // frames the socket is writing
  std::string read_ahead_;  // bytes read from the socket that Beast has not asked for yet
  std::size_t read_pos_ = 0;

  Handler waiting_;
  DrainHandler drained_;

  std::size_t waiting_size_ = 0;
  bool waiting_in_flight_ = false;
  bool corked_ = false;
  bool flushing_ = false;
  error_code failed_;
};

// Beast closes a WebSocket by tearing down its next layer, possibly right after a close frame that a
// corked connection only buffered: what was accepted is sent first.
template <class Socket>
void teardown(boost::beast::role_type role, CoalescingSocket<Socket>& socket, boost::system::error_code& ec) {
  boost::beast::websocket::teardown(role, socket.next_layer(), ec);
}

template <class Socket, class Handler>
void async_teardown(boost::beast::role_type role, CoalescingSocket<Socket>& socket, Handler&& handler) {
  socket.async_drain(
      [role, &socket, handler = std::forward<Handler>(handler)](boost::system::error_code) mutable {
        boost::beast::websocket::async_teardown(role, socket.next_layer(), std::move(handler));
      });
}

}  // namespace pleb::http
