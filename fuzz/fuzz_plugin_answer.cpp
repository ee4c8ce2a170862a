// Fuzzes the line a write-policy plugin answers with: whatever an external program prints, the relay
// reads one decision or refuses the line with a reason, and a refusal it passes on to a client always
// carries a NIP-01 prefix.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "processor/plugin_protocol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view line(reinterpret_cast<const char*>(data), size);
  auto answer = pleb::processor::parse_plugin_answer(line);
  if (!answer) {
    if (answer.error().empty()) std::abort();
    return 0;
  }
  const auto& decision = answer->decision;
  if (decision.verdict == pleb::processor::Verdict::kReject) {
    // "word: ..." with a word of lowercase letters and dashes, as NIP-01 prefixes are.
    const auto& m = decision.message;
    auto colon = m.find(": ");
    if (colon == std::string::npos || colon == 0) std::abort();
    for (std::size_t i = 0; i < colon; ++i)
      if (!((m[i] >= 'a' && m[i] <= 'z') || m[i] == '-')) std::abort();
  }
  return 0;
}
