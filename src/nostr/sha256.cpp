#include "nostr/sha256.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace pleb::nostr {
namespace {

// OpenSSL 3's one-shot SHA256() fetches the algorithm and allocates a context on every call, which
// costs as much as hashing a whole event. Fetch once per process and keep one context per thread.
const EVP_MD* sha256_algorithm() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (md == nullptr) throw std::runtime_error("OpenSSL has no SHA256");
  return md;
}

struct ThreadContext {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~ThreadContext() { EVP_MD_CTX_free(ctx); }
};

}  // namespace

Bytes32 sha256(const std::uint8_t* data, std::size_t size) {
  thread_local ThreadContext context;
  Bytes32 out;
  unsigned int length = 0;
  if (EVP_DigestInit_ex2(context.ctx, sha256_algorithm(), nullptr) != 1 ||
      EVP_DigestUpdate(context.ctx, data, size) != 1 ||
      EVP_DigestFinal_ex(context.ctx, out.data(), &length) != 1) {
    throw std::runtime_error("SHA256 failed");
  }
  return out;
}

Bytes32 sha256(std::string_view data) {
  return sha256(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
}

}  // namespace pleb::nostr
