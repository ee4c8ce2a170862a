// Fuzzes what the LMDB run sets (the id and tag indexes) read back from the store's meta database: the
// merge in progress (checked against a list of runs) and a stored Bloom filter. A damaged merge state is
// refused with an error naming it; an accepted one merges sealed runs into a slot that is no run; any
// filter that is accepted answers lookups without reading outside itself.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string_view>

#include "store/lmdb/id_index.hpp"
#include "store/lmdb/tag_index.hpp"

using namespace pleb::store::lmdb;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  // First byte: which run set (low bit) and how many of the following bytes are the list of runs (at
  // least one, the active run).
  static const Dbis dbis;
  const RunLayout layout = data[0] & 1 ? tag_layout(dbis) : id_layout(dbis);
  std::size_t run_count = std::min<std::size_t>(1 + (data[0] >> 1) % 8, size - 1);
  if (run_count == 0) return 0;
  RunSlots runs(data + 1, data + 1 + run_count);
  std::string_view rest(reinterpret_cast<const char*>(data + 1 + run_count), size - 1 - run_count);
  auto in_runs = [&](std::uint8_t s) { return std::find(runs.begin(), runs.end(), s) != runs.end(); };
  try {
    RunSet::Merge merge = parse_merge(rest, runs, layout);
    if (merge.target >= kRunSlots || in_runs(merge.target) || merge.inputs.size() < 2) std::abort();
    if (merge.last && merge.last->size() != layout.key_size) std::abort();
    for (std::uint8_t input : merge.inputs) {
      if (!in_runs(input) || input == runs.front()) std::abort();
      if (std::count(merge.inputs.begin(), merge.inputs.end(), input) != 1) std::abort();
    }
  } catch (const std::runtime_error& e) {
    if (std::string_view(e.what()).find("damaged") == std::string_view::npos) std::abort();
  }
  if (auto bloom = RunBloom::from_bytes(rest)) {
    std::uint8_t unit[64] = {};
    std::memcpy(unit, rest.data(), std::min(rest.size(), sizeof unit));
    BloomHash hash = bloom_hash(layout, unit);
    bloom->add(hash);
    if (!bloom->may_contain(hash)) std::abort();
  }
  return 0;
}
