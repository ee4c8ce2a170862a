#pragma once
// The words of generated notes and their t tags; `query` asks for the same topics.
#include <array>

namespace pleb::load {

inline constexpr std::array<const char*, 32> kWords = {
    "nostr",    "bitcoin", "relay",   "zap",    "pleb",  "community", "freedom", "signal",
    "note",     "coffee",  "morning", "build",  "ship",  "open",      "source",  "keys",
    "value",    "proof",   "work",    "energy", "music", "photo",     "garden",  "river",
    "mountain", "city",    "book",    "code",   "rust",  "cpp",       "art",     "gm"};

inline constexpr long long kGeneratedSpanSeconds = 365LL * 24 * 3600;  // created_at spread of `generate`

}  // namespace pleb::load
