#include "nostr/sha256.hpp"

#include <openssl/sha.h>

namespace pleb::nostr {

// The one-shot SHA256() avoids the EVP fetch and allocation that EVP_Digest does per call.
Bytes32 sha256(const std::uint8_t* data, std::size_t size) {
  Bytes32 out;
  SHA256(data, size, out.data());
  return out;
}

Bytes32 sha256(std::string_view data) {
  return sha256(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
}

}  // namespace pleb::nostr
