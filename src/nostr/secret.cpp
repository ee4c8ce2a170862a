#include "nostr/secret.hpp"

#include <sodium.h>

namespace pleb::nostr {

void secure_wipe(void* data, std::size_t size) {
  if (data != nullptr && size > 0) sodium_memzero(data, size);
}

}  // namespace pleb::nostr
