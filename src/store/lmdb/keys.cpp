#include "store/lmdb/keys.hpp"

#include <limits>

#include "nostr/json_writer.hpp"
#include "nostr/kinds.hpp"
#include "nostr/sha256.hpp"

namespace pleb::store::lmdb {
namespace {

constexpr std::size_t kOffPubkey = 32;
constexpr std::size_t kOffCreatedAt = 64;
constexpr std::size_t kOffExpiration = 72;
constexpr std::size_t kOffKind = 80;

}  // namespace

ValueHash hash_value(std::string_view value) {
  nostr::Bytes32 full = nostr::sha256(value);
  ValueHash out;
  std::memcpy(out.data(), full.data(), out.size());
  return out;
}

bool address_key(const nostr::Bytes32& pubkey, std::uint32_t kind, std::string_view d, Key& out) {
  switch (nostr::kind_class(kind)) {
    case nostr::KindClass::kReplaceable:
      out.append(pubkey).be32(kind);
      return true;
    case nostr::KindClass::kAddressable:
      out.append(pubkey).be32(kind).append(hash_value(d));
      return true;
    default:
      return false;
  }
}

void encode_record(const nostr::Event& event, std::int64_t expiration, std::string& out,
                   std::string_view json) {
  char header[RecordHeader::kSize] = {};
  std::memcpy(header, event.id.data(), 32);
  std::memcpy(header + kOffPubkey, event.pubkey.data(), 32);
  std::memcpy(header + kOffCreatedAt, &event.created_at, 8);
  std::memcpy(header + kOffExpiration, &expiration, 8);
  std::memcpy(header + kOffKind, &event.kind, 4);
  out.append(header, sizeof header);
  if (json.empty()) {
    nostr::append_json(out, event);
  } else {
    out.append(json);
  }
}

bool decode_record(const MDB_val& value, RecordHeader& header, std::string_view& json) {
  if (value.mv_size < RecordHeader::kSize) return false;
  const auto* p = static_cast<const char*>(value.mv_data);
  std::memcpy(header.id.data(), p, 32);
  std::memcpy(header.pubkey.data(), p + kOffPubkey, 32);
  std::memcpy(&header.created_at, p + kOffCreatedAt, 8);
  std::memcpy(&header.expiration, p + kOffExpiration, 8);
  std::memcpy(&header.kind, p + kOffKind, 4);
  json = std::string_view(p + RecordHeader::kSize, value.mv_size - RecordHeader::kSize);
  return true;
}

}  // namespace pleb::store::lmdb
