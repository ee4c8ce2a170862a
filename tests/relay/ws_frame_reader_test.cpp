// The client frames the server parses itself (RFC 6455 section 5): every length encoding, fragments with
// control frames between them, frames cut at every byte, and each way a client can break the protocol.
#include "http/ws_frame_reader.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pleb::http {
namespace {

using Kind = WsFrame::Kind;

constexpr unsigned char kMask[4] = {0x37, 0xfa, 0x21, 0x3d};

// A client frame as the wire carries it: masked unless told otherwise.
std::string client_frame(unsigned opcode, std::string_view payload, bool fin = true, bool masked = true,
                         unsigned char extra_bits = 0) {
  std::string out;
  out.push_back(static_cast<char>((fin ? 0x80 : 0) | extra_bits | opcode));
  const unsigned char mask_bit = masked ? 0x80 : 0;
  if (payload.size() < 126) {
    out.push_back(static_cast<char>(mask_bit | payload.size()));
  } else if (payload.size() <= 0xffff) {
    out.push_back(static_cast<char>(mask_bit | 126));
    out.push_back(static_cast<char>(payload.size() >> 8));
    out.push_back(static_cast<char>(payload.size() & 0xff));
  } else {
    out.push_back(static_cast<char>(mask_bit | 127));
    for (int i = 0; i < 8; ++i)
      out.push_back(static_cast<char>(std::uint64_t{payload.size()} >> (56 - 8 * i)));
  }
  if (masked) out.append(reinterpret_cast<const char*>(kMask), 4);
  for (std::size_t i = 0; i < payload.size(); ++i) {
    out.push_back(static_cast<char>(payload[i] ^ (masked ? kMask[i % 4] : 0)));
  }
  return out;
}

struct Seen {
  Kind kind;
  std::string payload;
  std::uint16_t code;
};

// Everything the reader yields from `wire`, which it may unmask in place; stops at need_more or an end.
std::vector<Seen> read_all(WsFrameReader& reader, std::string& wire, std::size_t* consumed) {
  std::vector<Seen> out;
  for (;;) {
    WsFrame frame = reader.next(wire.data(), wire.size(), consumed);
    if (frame.kind == Kind::need_more) return out;
    out.push_back({frame.kind, std::string(frame.payload), frame.close_code});
    if (frame.kind == Kind::close || frame.kind == Kind::too_big || frame.kind == Kind::protocol) return out;
  }
}

std::vector<Seen> read_all(std::string wire, std::size_t limit = 1 << 20) {
  WsFrameReader reader(limit);
  std::size_t consumed = 0;
  return read_all(reader, wire, &consumed);
}

TEST(WsFrameReader, FramesOfEveryLengthEncodingAreUnmaskedInPlace) {
  const std::string short_text(125, 'a');
  const std::string medium(126, 'b');
  const std::string long_text(70000, 'c');
  std::string wire = client_frame(0x1, short_text) + client_frame(0x1, medium) +
                     client_frame(0x2, long_text) + client_frame(0x1, "");
  WsFrameReader reader(1 << 20);
  std::size_t consumed = 0;
  WsFrame first = reader.next(wire.data(), wire.size(), &consumed);
  EXPECT_EQ(first.kind, Kind::text);
  EXPECT_EQ(first.payload, short_text);
  EXPECT_EQ(first.payload.data(), wire.data() + 6) << "handed on where it lies, not copied";
  EXPECT_EQ(consumed, 6 + short_text.size());
  auto rest = read_all(reader, wire, &consumed);
  ASSERT_EQ(rest.size(), 3u);
  EXPECT_EQ(rest[0].kind, Kind::text);
  EXPECT_EQ(rest[0].payload, medium);
  EXPECT_EQ(rest[1].kind, Kind::binary);
  EXPECT_EQ(rest[1].payload, long_text);
  EXPECT_EQ(rest[2].kind, Kind::text);
  EXPECT_EQ(rest[2].payload, "");
  EXPECT_EQ(consumed, wire.size());
}

TEST(WsFrameReader, AFrameCutAtAnyByteWaitsForTheRest) {
  const std::string whole = client_frame(0x1, std::string(300, 'x')) + client_frame(0x9, "ping");
  for (std::size_t cut = 0; cut < whole.size(); ++cut) {
    WsFrameReader reader(1 << 20);
    std::string head = whole.substr(0, cut);
    std::size_t consumed = 0;
    auto first = read_all(reader, head, &consumed);
    const std::size_t first_frame = 8 + 300;
    EXPECT_EQ(first.size(), cut >= first_frame ? 1u : 0u) << "cut at " << cut;
    EXPECT_EQ(consumed, cut >= first_frame ? first_frame : 0u) << "cut at " << cut;
    // The caller keeps the bytes from `consumed` on and adds what arrives.
    std::string rest = whole.substr(consumed);
    std::size_t consumed_rest = 0;
    auto second = read_all(reader, rest, &consumed_rest);
    EXPECT_EQ(first.size() + second.size(), 2u) << "cut at " << cut;
    EXPECT_EQ(consumed_rest, rest.size());
    EXPECT_EQ(second.back().kind, Kind::ping);
    EXPECT_EQ(second.back().payload, "ping");
  }
}

TEST(WsFrameReader, FragmentsAreGatheredWithControlFramesBetweenThem) {
  std::string wire = client_frame(0x1, "[\"REQ\",", false) + client_frame(0x9, "between") +
                     client_frame(0x0, "\"s\",", false) + client_frame(0xa, "") + client_frame(0x0, "{}]") +
                     client_frame(0x1, "after");
  WsFrameReader reader(1 << 20);
  std::size_t consumed = 0;
  auto seen = read_all(reader, wire, &consumed);
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0].kind, Kind::ping);
  EXPECT_EQ(seen[0].payload, "between");
  EXPECT_EQ(seen[1].kind, Kind::pong);
  EXPECT_EQ(seen[2].kind, Kind::text);
  EXPECT_EQ(seen[2].payload, "[\"REQ\",\"s\",{}]");
  EXPECT_EQ(seen[3].payload, "after");
  EXPECT_FALSE(reader.gathering());
  EXPECT_EQ(consumed, wire.size());
}

TEST(WsFrameReader, ABinaryMessageInFragmentsStaysBinary) {
  auto seen = read_all(client_frame(0x2, "ab", false) + client_frame(0x0, "cd"));
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].kind, Kind::binary);
  EXPECT_EQ(seen[0].payload, "abcd");
}

TEST(WsFrameReader, CloseFramesCarryTheirCodeAndReason) {
  auto empty = read_all(client_frame(0x8, ""));
  ASSERT_EQ(empty.size(), 1u);
  EXPECT_EQ(empty[0].kind, Kind::close);
  EXPECT_EQ(empty[0].code, 1005) << "no status given";

  auto normal =
      read_all(client_frame(0x8, std::string("\x03\xe8", 2) + "bye") + client_frame(0x1, "ignored"));
  ASSERT_EQ(normal.size(), 1u) << "nothing is read after a close frame";
  EXPECT_EQ(normal[0].kind, Kind::close);
  EXPECT_EQ(normal[0].code, 1000);
  EXPECT_EQ(normal[0].payload, "bye");

  auto application = read_all(client_frame(0x8, std::string("\x0f\xa0", 2)));
  EXPECT_EQ(application[0].code, 4000);
}

TEST(WsFrameReader, MessagesPastTheLimitAreRefusedOnTheHeaderAlone) {
  // Only the header of a 2 MB frame: refused without its payload.
  std::string header = client_frame(0x1, std::string(2'000'000, 'x')).substr(0, 14);
  auto seen = read_all(header, 1000);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].kind, Kind::too_big);
  EXPECT_EQ(seen[0].code, 1009);

  auto gathered = read_all(
      client_frame(0x1, std::string(600, 'a'), false) + client_frame(0x0, std::string(600, 'b')), 1000);
  ASSERT_EQ(gathered.size(), 1u);
  EXPECT_EQ(gathered[0].kind, Kind::too_big);

  auto at_limit = read_all(client_frame(0x1, std::string(1000, 'a')), 1000);
  ASSERT_EQ(at_limit.size(), 1u);
  EXPECT_EQ(at_limit[0].kind, Kind::text);
}

TEST(WsFrameReader, EachProtocolViolationEndsReadingWithItsCloseCode) {
  struct Case {
    const char* what;
    std::string wire;
    std::uint16_t code;
  };
  std::string non_minimal_16 = {
      '\x81', static_cast<char>(0x80 | 126), '\x00', '\x05', 'm', 'a', 's', 'k', 'h', 'e', 'l', 'l', 'o'};
  std::string non_minimal_64 = {'\x81', static_cast<char>(0x80 | 127), 0, 0, 0, 0, 0, 0, '\x01', '\x00'};
  std::string above_2_63 = {'\x81', static_cast<char>(0x80 | 127), static_cast<char>(0x80), 0, 0, 0, 0, 0, 0,
                            0};
  const std::vector<Case> cases = {
      {"a reserved bit", client_frame(0x1, "x", true, true, 0x40), 1002},
      {"an unmasked frame", client_frame(0x1, "x", true, false), 1002},
      {"a reserved data opcode", client_frame(0x3, "x"), 1002},
      {"a reserved control opcode", client_frame(0xb, "x"), 1002},
      {"a fragmented ping", client_frame(0x9, "x", false), 1002},
      {"a ping of 126 bytes", client_frame(0x9, std::string(126, 'p')), 1002},
      {"a continuation without a message", client_frame(0x0, "x"), 1002},
      {"a new message inside a fragmented one", client_frame(0x1, "a", false) + client_frame(0x1, "b"), 1002},
      {"a 16-bit length under 126", non_minimal_16, 1002},
      {"a 64-bit length under 65536", non_minimal_64, 1002},
      {"a 64-bit length with its top bit set", above_2_63, 1002},
      {"a close frame with one byte", client_frame(0x8, "\x03"), 1002},
      {"close code 1005, which never travels", client_frame(0x8, std::string("\x03\xed", 2)), 1002},
      {"close code 999", client_frame(0x8, std::string("\x03\xe7", 2)), 1002},
      {"close code 2000", client_frame(0x8, std::string("\x07\xd0", 2)), 1002},
      {"a close reason that is not UTF-8", client_frame(0x8, std::string("\x03\xe8\xff", 3)), 1007},
  };
  for (const auto& c : cases) {
    auto seen = read_all(c.wire + client_frame(0x1, "never read"));
    ASSERT_EQ(seen.size(), 1u) << c.what;
    EXPECT_EQ(seen[0].kind, Kind::protocol) << c.what;
    EXPECT_EQ(seen[0].code, c.code) << c.what;
    EXPECT_FALSE(seen[0].payload.empty()) << c.what << ": the reason is told";
  }
}

}  // namespace
}  // namespace pleb::http
