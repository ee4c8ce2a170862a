#pragma once
// Building events and filters for the store tests. Most events get a made-up pubkey and no signature
// (the store receives events already verified and checks neither), but a correct id, since ids decide
// duplicates, ties and deletions. signed_event() makes a real one where realism matters.
#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "nostr/event.hpp"
#include "nostr/filter.hpp"
#include "nostr/json_writer.hpp"
#include "nostr/schnorr.hpp"

namespace pleb::store::testing {

inline constexpr std::int64_t kNow = 1'700'000'000;

inline nostr::Bytes32 pubkey_of(std::uint32_t n) {
  nostr::Bytes32 key{};
  key[0] = 0xab;
  for (int i = 0; i < 4; ++i) key[28 + i] = static_cast<std::uint8_t>(n >> (8 * (3 - i)));
  return key;
}

inline nostr::Event make_event(const nostr::Bytes32& pubkey, std::uint32_t kind, std::int64_t created_at,
                               std::vector<nostr::Tag> tags = {}, std::string content = "") {
  nostr::Event e;
  e.pubkey = pubkey;
  e.kind = kind;
  e.created_at = created_at;
  e.tags = std::move(tags);
  e.content = std::move(content);
  e.id = nostr::compute_id(e);
  return e;
}

inline nostr::Event signed_event(const nostr::SecretKey& key, std::uint32_t kind, std::int64_t created_at,
                                 std::vector<nostr::Tag> tags = {}, std::string content = "") {
  nostr::Event e;
  e.kind = kind;
  e.created_at = created_at;
  e.tags = std::move(tags);
  e.content = std::move(content);
  nostr::sign_event(e, key);
  return e;
}

inline nostr::Tag e_tag(const nostr::Event& target) {
  return {"e", nostr::to_hex(target.id)};
}
inline std::string hex(const nostr::Bytes32& bytes) {
  return nostr::to_hex(bytes);
}

// A fluent Filter: lists are kept sorted and unique, as parse_filter leaves them.
class F {
 public:
  F& ids(std::initializer_list<nostr::Bytes32> v) { return set(filter_.ids, v); }
  F& ids(const std::vector<nostr::Bytes32>& v) { return set(filter_.ids, v); }
  F& authors(std::initializer_list<nostr::Bytes32> v) { return set(filter_.authors, v); }
  F& authors(const std::vector<nostr::Bytes32>& v) { return set(filter_.authors, v); }
  F& kinds(std::initializer_list<std::uint32_t> v) { return set(filter_.kinds, v); }
  F& tag(char letter, std::vector<std::string> values) {
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    filter_.tags.push_back({letter, std::move(values)});
    return *this;
  }
  F& since(std::int64_t t) {
    filter_.since = t;
    return *this;
  }
  F& until(std::int64_t t) {
    filter_.until = t;
    return *this;
  }
  F& limit(std::uint64_t n) {
    filter_.limit = n;
    return *this;
  }
  F& search(std::string q) {
    filter_.search = std::move(q);
    return *this;
  }
  operator nostr::Filter() const { return filter_; }  // NOLINT: builder

 private:
  template <typename T, typename Range>
  F& set(std::optional<std::vector<T>>& field, const Range& values) {
    std::vector<T> v(values.begin(), values.end());
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    field = std::move(v);
    return *this;
  }
  nostr::Filter filter_;
};

}  // namespace pleb::store::testing
