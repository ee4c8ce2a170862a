#pragma once
// Secret key material that is wiped from memory when it goes out of scope.
#include <cstdint>
#include <string>

#include "nostr/bytes.hpp"

namespace pleb::nostr {

void secure_wipe(void* data, std::size_t size);

class SecretKey {
 public:
  SecretKey() = default;
  explicit SecretKey(const Bytes32& bytes) : bytes_(bytes) {}
  SecretKey(const SecretKey&) = default;
  SecretKey& operator=(const SecretKey&) = default;
  ~SecretKey() { secure_wipe(bytes_.data(), bytes_.size()); }

  const Bytes32& bytes() const { return bytes_; }
  Bytes32& mutable_bytes() { return bytes_; }

 private:
  Bytes32 bytes_{};
};

// A std::string that wipes its buffer on destruction; for passwords, mnemonics and decrypted secrets.
class SecretString {
 public:
  SecretString() = default;
  explicit SecretString(std::string value) : value_(std::move(value)) {}
  SecretString(const SecretString&) = default;
  SecretString& operator=(const SecretString&) = default;
  ~SecretString() { secure_wipe(value_.data(), value_.capacity()); }

  const std::string& str() const { return value_; }
  std::string& mutable_str() { return value_; }

 private:
  std::string value_;
};

}  // namespace pleb::nostr
