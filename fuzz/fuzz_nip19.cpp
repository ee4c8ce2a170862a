// Fuzzes NIP-19 decoding and the decode -> encode -> decode round trip.
//
// Each input is used twice: as a string to decode, and as a payload wrapped in a valid bech32
// checksum. Random strings almost never carry a valid checksum, so without the second use the TLV
// parser behind it would hardly be reached.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "nostr/bech32.hpp"
#include "nostr/nip19.hpp"

namespace {

void check_decode(std::string_view input) {
  auto entity = pleb::nostr::decode_nip19(input);
  if (!entity) {
    if (entity.error().empty()) std::abort();  // every rejection must say why
    return;
  }
  // Whatever decodes must encode (it fit in a string once), and decode back to the same entity.
  auto encoded = pleb::nostr::encode_nip19(*entity);
  if (!encoded) std::abort();
  auto again = pleb::nostr::decode_nip19(*encoded);
  if (!again || !(*again == *entity)) std::abort();
  // Our encoding is canonical: a second pass yields the same string.
  auto re_encoded = pleb::nostr::encode_nip19(*again);
  if (!re_encoded || *re_encoded != *encoded) std::abort();
}

// The first byte picks a prefix (the last choice is not a NIP-19 one), the rest is the payload.
void check_payload(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return;
  constexpr std::string_view kPrefixes[] = {"npub", "nsec", "note", "nprofile", "nevent", "naddr", "nrelay"};
  std::string_view prefix = kPrefixes[data[0] % std::size(kPrefixes)];
  pleb::nostr::ByteVector values = pleb::nostr::bech32::bytes_to_values(data + 1, size - 1);
  check_decode(pleb::nostr::bech32::encode(prefix, values));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  check_decode(std::string_view(reinterpret_cast<const char*>(data), size));
  check_payload(data, size);
  return 0;
}
