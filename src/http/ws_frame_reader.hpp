#pragma once
// The frames a WebSocket client sends (RFC 6455 section 5), parsed from bytes as they arrive; no I/O.
//
// The server reads connections without compression itself instead of through Beast's read operation,
// which cost more per message than the rest of the path from socket to parser: one read takes every
// frame the socket holds, and each message is handed on where it lies, unmasked in place. A message
// in fragments is gathered here. Text is not checked for UTF-8: the relay's JSON parser checks every
// byte of it anyway.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace pleb::http {

struct WsFrame {
  enum class Kind {
    need_more,  // no complete frame left: keep the bytes from `consumed` on and call again with more
    text,
    binary,
    ping,
    pong,
    close,     // the peer closes: `close_code` (1005 when it gave none), `payload` its reason
    too_big,   // a message longer than the refusal limit: close with 1009
    protocol,  // the peer broke the protocol (`payload` says how): close with `close_code`
  };
  Kind kind = Kind::need_more;
  std::string_view payload;  // valid until the next call, and only while the bytes given stay put
  std::uint16_t close_code = 0;
};

class WsFrameReader {
 public:
  // Messages longer than `refuse_above` bytes end the connection (too_big) as soon as a frame header
  // announces them, before their payload is read.
  explicit WsFrameReader(std::size_t refuse_above) : refuse_above_(refuse_above) {}

  // The next message or control frame in `data` from `*consumed` on, which advances past what was used.
  // Unmasks payloads in place. After close, too_big or protocol, nothing more is read.
  WsFrame next(char* data, std::size_t size, std::size_t* consumed);

  // True while a message in fragments is being gathered (it holds memory).
  bool gathering() const { return in_message_; }

 private:
  WsFrame finish_close(std::string_view payload);

  std::size_t refuse_above_;
  std::string message_;  // the fragments of a message so far
  bool in_message_ = false;
  bool message_is_text_ = false;
  bool ended_ = false;
};

}  // namespace pleb::http
