#include "http/ws_frame_reader.hpp"

#include <cstring>

#include "nostr/utf8.hpp"

namespace pleb::http {
namespace {

constexpr unsigned kContinuation = 0x0;
constexpr unsigned kText = 0x1;
constexpr unsigned kBinary = 0x2;
constexpr unsigned kClose = 0x8;
constexpr unsigned kPing = 0x9;
constexpr unsigned kPong = 0xa;
// A gathered message's buffer is given back beyond this: connections that once received a large
// fragmented message must not keep it for their lifetime.
constexpr std::size_t kKeptBufferBytes = 4096;

// Eight bytes at a time: the mask repeats every four, so a word of two copies lines up with any
// eight-byte stretch that starts at a multiple of four.
void unmask(char* payload, std::size_t size, const unsigned char key[4]) {
  unsigned char word_bytes[8];
  std::memcpy(word_bytes, key, 4);
  std::memcpy(word_bytes + 4, key, 4);
  std::uint64_t word;
  std::memcpy(&word, word_bytes, 8);
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    std::uint64_t chunk;
    std::memcpy(&chunk, payload + i, 8);
    chunk ^= word;
    std::memcpy(payload + i, &chunk, 8);
  }
  for (; i < size; ++i) payload[i] = static_cast<char>(payload[i] ^ key[i % 4]);
}

// The codes a peer may send (RFC 6455 7.4 and IANA's registry); 1004-1006 and 1015 never travel.
bool is_sendable_close_code(unsigned code) {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

}  // namespace

WsFrame WsFrameReader::next(char* data, std::size_t size, std::size_t* consumed) {
  using Kind = WsFrame::Kind;
  auto refuse = [this](Kind kind, std::string_view why, std::uint16_t code) {
    ended_ = true;
    std::string().swap(message_);
    return WsFrame{kind, why, code};
  };
  if (!in_message_ && !message_.empty()) {
    // The previous call delivered a gathered message; its bytes were the caller's until now.
    message_.clear();
    if (message_.capacity() > kKeptBufferBytes) std::string().swap(message_);
  }
  while (!ended_) {
    const auto* p = reinterpret_cast<const unsigned char*>(data + *consumed);
    const std::size_t available = size - *consumed;
    if (available < 2) return {};
    const bool fin = (p[0] & 0x80) != 0;
    const unsigned opcode = p[0] & 0x0fu;
    // No extension is negotiated on connections read here, so every reserved bit must be clear.
    if ((p[0] & 0x70) != 0) return refuse(Kind::protocol, "reserved bits set", 1002);
    if ((p[1] & 0x80) == 0) return refuse(Kind::protocol, "client frame not masked", 1002);
    std::uint64_t length = p[1] & 0x7fu;
    std::size_t header = 2;
    if (length == 126) {
      if (available < 4) return {};
      length = static_cast<std::uint64_t>(p[2]) << 8 | p[3];
      header = 4;
      if (length < 126) return refuse(Kind::protocol, "frame length not in its shortest form", 1002);
    } else if (length == 127) {
      if (available < 10) return {};
      length = 0;
      for (int i = 0; i < 8; ++i) length = length << 8 | p[2 + i];
      header = 10;
      if (length >> 63) return refuse(Kind::protocol, "frame length above 2^63", 1002);
      if (length <= 0xffff) return refuse(Kind::protocol, "frame length not in its shortest form", 1002);
    }
    const bool control = (opcode & 0x8) != 0;
    if (control) {
      if (opcode != kClose && opcode != kPing && opcode != kPong) {
        return refuse(Kind::protocol, "unknown opcode", 1002);
      }
      if (!fin) return refuse(Kind::protocol, "fragmented control frame", 1002);
      if (length > 125) return refuse(Kind::protocol, "control frame longer than 125 bytes", 1002);
    } else if (opcode == kContinuation) {
      if (!in_message_) return refuse(Kind::protocol, "continuation frame outside a message", 1002);
    } else if (opcode == kText || opcode == kBinary) {
      if (in_message_) return refuse(Kind::protocol, "new message before the last one ended", 1002);
    } else {
      return refuse(Kind::protocol, "unknown opcode", 1002);
    }
    // Refused on the header alone: the payload of a message too long is never waited for.
    if (!control && (length > refuse_above_ || message_.size() + length > refuse_above_)) {
      return refuse(Kind::too_big, "message too big", 1009);
    }
    header += 4;  // the mask key
    if (available < header || available - header < length) return {};
    unsigned char key[4];
    std::memcpy(key, p + header - 4, 4);
    char* payload = data + *consumed + header;
    unmask(payload, static_cast<std::size_t>(length), key);
    const std::string_view bytes(payload, static_cast<std::size_t>(length));
    *consumed += header + static_cast<std::size_t>(length);

    if (opcode == kClose) return finish_close(bytes);
    if (opcode == kPing) return {Kind::ping, bytes, 0};
    if (opcode == kPong) return {Kind::pong, bytes, 0};
    if (opcode != kContinuation) message_is_text_ = opcode == kText;
    const Kind kind = message_is_text_ ? Kind::text : Kind::binary;
    if (fin && !in_message_) return {kind, bytes, 0};  // the usual case: one frame, handed on in place
    message_.append(bytes);
    in_message_ = !fin;
    if (fin) return {kind, message_, 0};
  }
  return {};
}

WsFrame WsFrameReader::finish_close(std::string_view payload) {
  using Kind = WsFrame::Kind;
  ended_ = true;
  std::string().swap(message_);
  in_message_ = false;
  if (payload.empty()) return {Kind::close, {}, 1005};
  if (payload.size() == 1) return {Kind::protocol, "close frame with a one-byte payload", 1002};
  const unsigned code = static_cast<unsigned>(static_cast<unsigned char>(payload[0])) << 8 |
                        static_cast<unsigned char>(payload[1]);
  if (!is_sendable_close_code(code)) return {Kind::protocol, "invalid close code", 1002};
  std::string_view reason = payload.substr(2);
  if (!nostr::is_valid_utf8(reason)) return {Kind::protocol, "close reason not UTF-8", 1007};
  return {Kind::close, reason, static_cast<std::uint16_t>(code)};
}

}  // namespace pleb::http
