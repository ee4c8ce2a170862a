#include "nostr/base64.hpp"

#include <sodium.h>

namespace pleb::nostr {

std::string to_base64(std::string_view bytes) {
  const std::size_t size = sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  std::string out(size, '\0');
  sodium_bin2base64(out.data(), size, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(size - 1);  // the encoder writes a terminating NUL
  return out;
}

std::optional<std::string> from_base64(std::string_view text, Base64Padding padding) {
  if (text.empty()) return std::nullopt;
  const int variant = padding == Base64Padding::kOptional && text.size() % 4 != 0
                          ? sodium_base64_VARIANT_ORIGINAL_NO_PADDING
                          : sodium_base64_VARIANT_ORIGINAL;
  std::string out(text.size() / 4 * 3 + 3, '\0');
  std::size_t size = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(),
                        nullptr, &size, nullptr, variant) != 0) {
    return std::nullopt;
  }
  out.resize(size);
  return out;
}

}  // namespace pleb::nostr
