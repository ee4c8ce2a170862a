#pragma once
// What a thread derived from recently seen public keys (a parsed key, a table of a key's multiples),
// kept because authors repeat and deriving it again costs a square root or more. Two-way
// set-associative by the key's first bytes, way 0 the more recently used: direct-mapped, a third of
// 1,000 active authors shared a slot with another and kept evicting it; with two ways both stay.
#include <array>
#include <cstddef>
#include <utility>
#include <vector>

#include "nostr/bytes.hpp"

namespace pleb::nostr {

template <typename Value, std::size_t Sets>
class RecentKeys {
 public:
  // The key's value, or nullptr; valid until the next find() or insert().
  const Value* find(const Bytes32& key) {
    auto& set = set_of(key);
    for (std::size_t way = 0; way < set.size(); ++way) {
      if (set[way].filled && set[way].key == key) {
        if (way != 0) std::swap(set[0], set[way]);
        return &set[0].value;
      }
    }
    return nullptr;
  }

  void insert(const Bytes32& key, const Value& value) {
    auto& set = set_of(key);
    set[1] = set[0];
    set[0] = Slot{key, value, true};
  }

 private:
  struct Slot {
    Bytes32 key{};
    Value value{};
    bool filled = false;
  };

  std::array<Slot, 2>& set_of(const Bytes32& key) { return sets_[(key[0] | key[1] << 8 | key[2] << 16) % Sets]; }

  std::vector<std::array<Slot, 2>> sets_ = std::vector<std::array<Slot, 2>>(Sets);
};

}  // namespace pleb::nostr
