#pragma once
// Hashing 32-byte keys (pubkeys, event ids) for unordered containers: they are uniformly random already.
#include <cstring>

#include "nostr/bytes.hpp"

namespace pleb::processor {

struct KeyHash {
  std::size_t operator()(const nostr::Bytes32& key) const {
    std::size_t h;
    std::memcpy(&h, key.data(), sizeof h);
    return h;
  }
};

}  // namespace pleb::processor
