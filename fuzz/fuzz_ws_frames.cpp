// Fuzzes the server's WebSocket frame reader: whatever a client sends, every byte is consumed at most
// once, each step yields a frame or waits, and bytes that arrive in two pieces read exactly as when
// they arrive at once.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "http/ws_frame_reader.hpp"

namespace {

using pleb::http::WsFrame;
using pleb::http::WsFrameReader;

struct Seen {
  WsFrame::Kind kind;
  std::string payload;
  std::uint16_t code;
  bool operator==(const Seen&) const = default;
};

// Reads `input` as it would arrive in the given pieces: the caller keeps what was not consumed and
// appends the next piece, as the server does.
std::vector<Seen> read_in_pieces(const std::string& input, std::size_t first_piece) {
  WsFrameReader reader(4096);
  std::vector<Seen> out;
  std::string pending;
  std::size_t fed = 0;
  for (std::size_t piece : {first_piece, input.size() - first_piece}) {
    pending.append(input, fed, piece);
    fed += piece;
    std::size_t consumed = 0;
    for (;;) {
      const std::size_t before = consumed;
      WsFrame frame = reader.next(pending.data(), pending.size(), &consumed);
      if (consumed < before || consumed > pending.size()) std::abort();
      if (frame.kind == WsFrame::Kind::need_more) break;
      out.push_back({frame.kind, std::string(frame.payload), frame.close_code});
      if (frame.kind == WsFrame::Kind::close || frame.kind == WsFrame::Kind::too_big ||
          frame.kind == WsFrame::Kind::protocol) {
        if (frame.kind != WsFrame::Kind::close && frame.payload.empty()) std::abort();  // a reason is told
        return out;
      }
    }
    pending.erase(0, consumed);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::size_t split = input.empty() ? 0 : data[0] % (input.size() + 1);
  if (read_in_pieces(input, input.size()) != read_in_pieces(input, split)) std::abort();
  return 0;
}
