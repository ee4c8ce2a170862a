// Fuzzes what the LMDB id index reads back from its store's meta database: the merge in progress
// (checked against a list of runs) and a stored Bloom filter. A damaged merge state is refused with an
// error naming it; an accepted one merges sealed runs into a slot that is no run; any filter that is
// accepted answers lookups without reading outside itself.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string_view>

#include "store/lmdb/id_index.hpp"

using namespace pleb::store::lmdb;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  // First byte: how many of the following bytes are the list of runs (at least one, the active run).
  std::size_t run_count = std::min<std::size_t>(1 + data[0] % 8, size - 1);
  if (run_count == 0) return 0;
  IdRuns runs(data + 1, data + 1 + run_count);
  std::string_view rest(reinterpret_cast<const char*>(data + 1 + run_count), size - 1 - run_count);
  auto in_runs = [&](std::uint8_t s) { return std::find(runs.begin(), runs.end(), s) != runs.end(); };
  try {
    IdIndex::Merge merge = parse_id_merge(rest, runs);
    if (merge.target >= kIdSlots || in_runs(merge.target) || merge.inputs.size() < 2) std::abort();
    for (std::uint8_t input : merge.inputs) {
      if (!in_runs(input) || input == runs.front()) std::abort();
      if (std::count(merge.inputs.begin(), merge.inputs.end(), input) != 1) std::abort();
    }
  } catch (const std::runtime_error& e) {
    if (std::string_view(e.what()).find("damaged") == std::string_view::npos) std::abort();
  }
  if (auto bloom = IdBloom::from_bytes(rest)) {
    pleb::nostr::Bytes32 id{};
    std::memcpy(id.data(), rest.data(), std::min(rest.size(), id.size()));
    bool before = bloom->may_contain(id);
    bloom->add(id);
    if (!bloom->may_contain(id)) std::abort();
    (void)before;
  }
  return 0;
}
