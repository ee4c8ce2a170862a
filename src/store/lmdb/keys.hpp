#pragma once
// Byte layouts of every key and of the event record. Integers in keys are big-endian so that LMDB's
// bytewise order is numeric order; index keys end in (created_at, serial) so that a reverse scan of a
// prefix yields its newest events first.
#include <lmdb.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "nostr/event.hpp"

namespace pleb::store::lmdb {

inline void store_be32(std::uint8_t* at, std::uint32_t v) {
  for (int i = 3; i >= 0; --i, v >>= 8) at[i] = static_cast<std::uint8_t>(v);
}
using nostr::load_be64;
using nostr::store_be64;

// Flipping the sign bit maps int64 onto uint64 in the same order, so negative filter bounds just work.
inline std::uint64_t encode_time(std::int64_t t) {
  return static_cast<std::uint64_t>(t) ^ (std::uint64_t{1} << 63);
}
inline std::int64_t decode_time(std::uint64_t v) {
  return static_cast<std::int64_t>(v ^ (std::uint64_t{1} << 63));
}

// The (created_at, serial) suffix every index key ends with.
inline constexpr std::size_t kSuffixSize = 16;

// 16 bytes of SHA-256: a fixed width for any tag value or d tag. Unlike a prefix of the raw value,
// nobody can craft a value that collides with another, so an index hit needs no re-check.
using ValueHash = std::array<std::uint8_t, 16>;
ValueHash hash_value(std::string_view value);

// A key assembled on the stack; the longest (tombstone: id + pubkey) is 64 bytes.
class Key {
 public:
  static constexpr std::size_t kCapacity = 64;

  Key& append(const std::uint8_t* data, std::size_t size) {
    std::memcpy(buf_.data() + size_, data, size);
    size_ += size;
    return *this;
  }
  template <std::size_t N>
  Key& append(const std::array<std::uint8_t, N>& bytes) {
    return append(bytes.data(), N);
  }
  Key& u8(std::uint8_t v) {
    buf_[size_++] = v;
    return *this;
  }
  Key& be32(std::uint32_t v) {
    store_be32(buf_.data() + size_, v);
    size_ += 4;
    return *this;
  }
  Key& be64(std::uint64_t v) {
    store_be64(buf_.data() + size_, v);
    size_ += 8;
    return *this;
  }
  Key& time(std::int64_t t) { return be64(encode_time(t)); }
  Key& suffix(std::int64_t created_at, std::uint64_t serial) { return time(created_at).be64(serial); }

  const std::uint8_t* data() const { return buf_.data(); }
  std::size_t size() const { return size_; }
  MDB_val val() const { return MDB_val{size_, const_cast<std::uint8_t*>(buf_.data())}; }
  std::string_view view() const { return {reinterpret_cast<const char*>(buf_.data()), size_}; }
  void resize(std::size_t size) { size_ = size; }

 private:
  std::array<std::uint8_t, kCapacity> buf_;
  std::size_t size_ = 0;
};

// The replaceable (pubkey, kind) or addressable (pubkey, kind, hash of d) address of an event; also the
// key of an address tombstone. Regular kinds have none: returns false.
bool address_key(const nostr::Bytes32& pubkey, std::uint32_t kind, std::string_view d, Key& out);

// Fixed header in front of the JSON text of each record in the events database. Native byte order:
// an LMDB file is not portable across endianness anyway.
struct RecordHeader {
  nostr::Bytes32 id{};
  nostr::Bytes32 pubkey{};
  std::int64_t created_at = 0;
  std::int64_t expiration = kNoExpiration;
  std::uint32_t kind = 0;

  static constexpr std::int64_t kNoExpiration = INT64_MAX;
  static constexpr std::size_t kSize = 88;  // 32 + 32 + 8 + 8 + 4 + 4 reserved
};

// Appends header + JSON of `event` to `out`.
// `json`: the event's serialization when the caller has it (nostr::to_json), else empty.
void encode_record(const nostr::Event& event, std::int64_t expiration, std::string& out,
                   std::string_view json = {});
// False when the value is too short to be a record (a corrupt database).
bool decode_record(const MDB_val& value, RecordHeader& header, std::string_view& json);

}  // namespace pleb::store::lmdb
