#include "store/lmdb/id_index.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <string>
#include <string_view>

#include "store/lmdb/lmdb_env.hpp"

namespace pleb::store::lmdb {
namespace {

constexpr std::string_view kRunsKey = "id_runs";
constexpr std::string_view kMergeKey = "id_merge";
constexpr std::string_view kBloomKeyPrefix = "id_bloom.";
constexpr unsigned kBitsPerId = 10;
constexpr unsigned kProbes = 7;  // the best count for 10 bits per id: ~1 % false positives

MDB_val id_val(const nostr::Bytes32& id) {
  return to_val(id.data(), id.size());
}

std::uint64_t serial_of(const MDB_val& value) {
  std::uint64_t serial = 0;
  if (value.mv_size == sizeof serial) std::memcpy(&serial, value.mv_data, sizeof serial);
  return serial;
}

std::string bloom_key(std::uint8_t slot) {
  return std::string(kBloomKeyPrefix) + std::to_string(slot);
}

// True when a slot is named twice.
bool has_repeats(IdRuns slots) {
  std::sort(slots.begin(), slots.end());
  return std::adjacent_find(slots.begin(), slots.end()) != slots.end();
}

// The first run that `may_hold(i)` admits and that holds the id; 0 when none does.
template <typename MayHold>
std::uint64_t find_in_runs(MDB_txn* txn, const Dbis& dbis, const IdRuns& runs, const nostr::Bytes32& id,
                           MayHold may_hold) {
  MDB_val value;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (may_hold(i) && get(txn, dbis.id_slots[runs[i]], id_val(id), value)) return serial_of(value);
  }
  return 0;
}

std::uint64_t word_at(const nostr::Bytes32& id, std::size_t offset) {
  std::uint64_t w;
  std::memcpy(&w, id.data() + offset, sizeof w);
  return w;
}

}  // namespace

IdIndex::Merge parse_id_merge(std::string_view state, const IdRuns& runs) {
  auto damaged = [] { return std::runtime_error("event store: the id index's merge state is damaged"); };
  const auto* p = reinterpret_cast<const std::uint8_t*>(state.data());
  if (state.size() < 3) throw damaged();
  IdIndex::Merge merge;
  merge.target = p[0];
  std::size_t inputs = p[1], at = 2 + inputs;
  if (inputs < 2 || state.size() < at + 1) throw damaged();
  merge.inputs.assign(p + 2, p + at);
  if (p[at] == 32 && state.size() == at + 1 + 32) {
    nostr::Bytes32 last;
    std::memcpy(last.data(), p + at + 1, 32);
    merge.last = last;
  } else if (p[at] != 0 || state.size() != at + 1) {
    throw damaged();
  }
  auto in_runs = [&](std::uint8_t slot) { return std::find(runs.begin(), runs.end(), slot) != runs.end(); };
  // The inputs are distinct sealed runs (not the active one, runs.front()); the target is no run yet.
  if (has_repeats(merge.inputs)) throw damaged();
  if (merge.target >= kIdSlots || in_runs(merge.target) ||
      !std::all_of(merge.inputs.begin(), merge.inputs.end(),
                   [&](std::uint8_t s) { return in_runs(s) && s != runs.front(); })) {
    throw damaged();
  }
  return merge;
}

IdRuns read_id_runs(MDB_txn* txn, const Dbis& dbis) {
  MDB_val value;
  if (!get(txn, dbis.meta, to_val(kRunsKey), value) || value.mv_size == 0) return IdRuns{0};
  const auto* slots = static_cast<const std::uint8_t*>(value.mv_data);
  IdRuns runs(slots, slots + value.mv_size);
  // A slot out of range would index past the handles, and one named twice would be merged with itself:
  // such a store was not written by this code.
  if (*std::max_element(runs.begin(), runs.end()) >= kIdSlots || has_repeats(runs)) {
    throw std::runtime_error("event store: the id index's list of runs is damaged");
  }
  return runs;
}

IdSnapshot::IdSnapshot(MDB_txn* txn, const Dbis& dbis)
    : txn_(txn), dbis_(dbis), runs_(read_id_runs(txn, dbis)) {
  MDB_val value;
  for (std::uint8_t slot : runs_) {
    bool stored = get(txn, dbis.meta, to_val(bloom_key(slot)), value);
    filters_.push_back(stored ? as_view(value) : std::string_view{});
  }
}

std::uint64_t IdSnapshot::find(const nostr::Bytes32& id) const {
  return find_in_runs(txn_, dbis_, runs_, id, [&](std::size_t i) {
    return filters_[i].empty() || IdBloom::stored_may_contain(filters_[i], id);
  });
}

IdBloom::IdBloom(std::size_t expected_ids) {
  std::size_t bits = std::bit_ceil(std::max<std::size_t>(expected_ids, 1024) * kBitsPerId);
  words_.assign(bits / 64, 0);
  mask_ = bits - 1;
}

std::optional<IdBloom> IdBloom::from_bytes(std::string_view bytes) {
  std::size_t bits = bytes.size() * 8;
  if (bits < 64 || !std::has_single_bit(bits)) return std::nullopt;
  IdBloom bloom;
  bloom.words_.resize(bits / 64);
  std::memcpy(bloom.words_.data(), bytes.data(), bytes.size());
  bloom.mask_ = bits - 1;
  return bloom;
}

std::string_view IdBloom::bytes() const {
  return {reinterpret_cast<const char*>(words_.data()), words_.size() * sizeof(std::uint64_t)};
}

// Ids are SHA-256 outputs: their bytes are already uniformly spread, so two words of the id serve as
// the two hashes of double hashing.
void IdBloom::add(const nostr::Bytes32& id) {
  std::uint64_t h = word_at(id, 0), step = word_at(id, 8) | 1;
  for (unsigned i = 0; i < kProbes; ++i, h += step) words_[(h & mask_) >> 6] |= std::uint64_t{1} << (h & 63);
}

bool IdBloom::stored_may_contain(std::string_view bytes, const nostr::Bytes32& id) {
  std::size_t bits = bytes.size() * 8;
  if (bits < 64 || !std::has_single_bit(bits)) return true;
  const std::uint64_t mask = bits - 1;
  std::uint64_t h = word_at(id, 0), step = word_at(id, 8) | 1;
  for (unsigned i = 0; i < kProbes; ++i, h += step) {
    std::uint64_t word;  // LMDB values are not 8-byte aligned
    std::memcpy(&word, bytes.data() + ((h & mask) >> 6) * sizeof word, sizeof word);
    if (!(word & (std::uint64_t{1} << (h & 63)))) return false;
  }
  return true;
}

bool IdBloom::may_contain(const nostr::Bytes32& id) const {
  return stored_may_contain(bytes(), id);
}

void IdIndex::prepare(MDB_txn* txn) {
  if (prepared_) return;
  runs_ = read_id_runs(txn, dbis_);
  merge_.reset();
  MDB_val value;
  if (get(txn, dbis_.meta, to_val(kMergeKey), value)) merge_ = parse_id_merge(as_view(value), runs_);
  for (auto& bloom : blooms_) bloom.reset();
  unstored_.fill(false);
  build_bloom(txn, runs_.front(), std::max(entries(txn, runs_.front()), options_.run_entries));
  for (std::size_t i = 1; i < runs_.size(); ++i) load_bloom(txn, runs_[i], entries(txn, runs_[i]));
  if (merge_) {
    std::size_t total = 0;
    for (std::uint8_t input : merge_->inputs) total += entries(txn, input);
    build_bloom(txn, merge_->target, total);
  }
  prepared_ = true;
}

void IdIndex::invalidate() {
  prepared_ = false;
}

std::uint64_t IdIndex::find(MDB_txn* txn, const nostr::Bytes32& id) const {
  return find_in_runs(txn, dbis_, runs_, id,
                      [&](std::size_t i) { return blooms_[runs_[i]]->may_contain(id); });
}

void IdIndex::put_sorted(MDB_txn* txn, std::span<const std::pair<nostr::Bytes32, std::uint64_t>> ids) {
  if (ids.empty()) return;
  std::uint8_t active = runs_.front();
  Cursor cursor(txn, dbis_.id_slots[active]);
  for (const auto& [id, serial] : ids) {
    cursor.put(id_val(id), to_val(&serial, sizeof serial));
    blooms_[active]->add(id);
  }
}

bool IdIndex::erase(MDB_txn* txn, const nostr::Bytes32& id) {
  bool erased = false;
  for (std::uint8_t slot : runs_) {
    if (blooms_[slot]->may_contain(id) && del(txn, dbis_.id_slots[slot], id_val(id))) {
      erased = true;
      break;
    }
  }
  // The merge may have copied it already.
  if (merge_) del(txn, dbis_.id_slots[merge_->target], id_val(id));
  return erased;
}

void IdIndex::maintain(MDB_txn* txn, std::size_t inserted) {
  // Filters rebuilt when the store was opened (a format-1 store's "ids") are stored at the first write.
  for (std::size_t s = 0; s < kIdSlots; ++s) {
    if (unstored_[s] && blooms_[s]) store_bloom(txn, static_cast<std::uint8_t>(s));
    unstored_[s] = false;
  }
  seal_if_full(txn);
  start_merge_if_due(txn);
  if (merge_) advance_merge(txn, std::max(options_.min_merge_step, inserted * options_.merge_step_per_id));
}

std::size_t IdIndex::entries(MDB_txn* txn, std::uint8_t slot) const {
  MDB_stat stat;
  check(mdb_stat(txn, dbis_.id_slots[slot], &stat), "mdb_stat");
  return stat.ms_entries;
}

// Tier t holds runs of run_entries × width^t ids, roughly: merging `width` runs of one tier makes one of
// the next.
std::size_t IdIndex::tier(std::size_t n) const {
  std::size_t t = 0;
  for (n /= std::max<std::size_t>(options_.run_entries, 1); n >= options_.merge_width;
       n /= options_.merge_width)
    ++t;
  return t;
}

std::optional<std::uint8_t> IdIndex::free_slot() const {
  for (std::size_t s = 0; s < kIdSlots; ++s) {
    auto slot = static_cast<std::uint8_t>(s);
    if (std::find(runs_.begin(), runs_.end(), slot) != runs_.end()) continue;
    if (merge_ && merge_->target == slot) continue;
    return slot;
  }
  return std::nullopt;
}

void IdIndex::build_bloom(MDB_txn* txn, std::uint8_t slot, std::size_t expected) {
  auto& bloom = blooms_[slot].emplace(expected);
  Cursor cursor(txn, dbis_.id_slots[slot]);
  MDB_val key;
  for (bool more = cursor.move(key, MDB_FIRST); more; more = cursor.move(key, MDB_NEXT)) {
    if (key.mv_size != 32) continue;
    nostr::Bytes32 id;
    std::memcpy(id.data(), key.mv_data, 32);
    bloom.add(id);
    ++ids_scanned_;
  }
}

void IdIndex::load_bloom(MDB_txn* txn, std::uint8_t slot, std::size_t expected) {
  MDB_val value;
  if (get(txn, dbis_.meta, to_val(bloom_key(slot)), value)) {
    if (auto bloom = IdBloom::from_bytes(as_view(value))) {
      blooms_[slot] = std::move(*bloom);
      return;
    }
  }
  build_bloom(txn, slot, expected);
  unstored_[slot] = true;
}

void IdIndex::store_bloom(MDB_txn* txn, std::uint8_t slot) const {
  put(txn, dbis_.meta, to_val(bloom_key(slot)), to_val(blooms_[slot]->bytes()));
}

// Empties a slot and forgets its filter: merged inputs, and (only defensively: a free slot is empty) a
// slot about to be used again.
void IdIndex::clear_slot(MDB_txn* txn, std::uint8_t slot) const {
  check(mdb_drop(txn, dbis_.id_slots[slot], 0), "mdb_drop");
  del(txn, dbis_.meta, to_val(bloom_key(slot)));
}

void IdIndex::seal_if_full(MDB_txn* txn) {
  if (entries(txn, runs_.front()) < options_.run_entries) return;
  auto slot = free_slot();
  if (!slot) return;  // every slot in use: the active run keeps growing until a merge frees one
  store_bloom(txn, runs_.front());
  clear_slot(txn, *slot);
  runs_.insert(runs_.begin(), *slot);
  blooms_[*slot].emplace(options_.run_entries);
  write_runs(txn);
}

void IdIndex::start_merge_if_due(MDB_txn* txn) {
  if (merge_ || runs_.size() <= options_.merge_width) return;
  // The sealed runs by tier; the lowest tier with enough runs is merged.
  std::vector<std::pair<std::size_t, std::uint8_t>> sealed;
  for (std::size_t i = 1; i < runs_.size(); ++i) sealed.emplace_back(tier(entries(txn, runs_[i])), runs_[i]);
  std::sort(sealed.begin(), sealed.end());
  for (std::size_t i = 0; i + options_.merge_width <= sealed.size(); ++i) {
    if (sealed[i].first != sealed[i + options_.merge_width - 1].first) continue;
    auto target = free_slot();
    if (!target) return;
    clear_slot(txn, *target);
    Merge merge;
    merge.target = *target;
    std::size_t total = 0;
    for (std::size_t k = i; k < i + options_.merge_width; ++k) {
      merge.inputs.push_back(sealed[k].second);
      total += entries(txn, sealed[k].second);
    }
    merge_ = std::move(merge);
    blooms_[*target].emplace(total);
    write_merge(txn);
    return;
  }
}

void IdIndex::advance_merge(MDB_txn* txn, std::size_t budget) {
  Merge& merge = *merge_;
  // Each input's current entry is copied out: LMDB may move the pages it read once the target is
  // written to (values returned stay valid only until the next update), while cursors stay valid.
  struct Input {
    Cursor cursor;
    nostr::Bytes32 id{};
    std::uint64_t serial = 0;
    bool more = false;

    void step(MDB_cursor_op op, MDB_val key = {}) {
      MDB_val value;
      for (more = cursor.move(key, value, op); more; more = cursor.move(key, value, MDB_NEXT)) {
        if (key.mv_size != 32) continue;  // not an id: nothing this code wrote
        std::memcpy(id.data(), key.mv_data, 32);
        serial = serial_of(value);
        return;
      }
    }
  };
  std::vector<Input> inputs;
  inputs.reserve(merge.inputs.size());
  for (std::uint8_t slot : merge.inputs) {
    Input& in = inputs.emplace_back(Input{Cursor(txn, dbis_.id_slots[slot])});
    if (!merge.last) {
      in.step(MDB_FIRST);
      continue;
    }
    in.step(MDB_SET_RANGE, id_val(*merge.last));
    if (in.more && in.id == *merge.last) in.step(MDB_NEXT);
  }
  Cursor target(txn, dbis_.id_slots[merge.target]);
  auto& bloom = *blooms_[merge.target];
  for (std::size_t copied = 0; copied < budget; ++copied) {
    Input* next = nullptr;
    for (auto& in : inputs) {
      if (in.more && (!next || in.id < next->id)) next = &in;
    }
    if (!next) break;
    // An id is in one run only; should one ever be in two, the first copy is kept.
    if (!merge.last || next->id != *merge.last) {
      target.put(id_val(next->id), to_val(&next->serial, sizeof next->serial), MDB_APPEND);
      bloom.add(next->id);
      merge.last = next->id;
    }
    next->step(MDB_NEXT);
  }
  bool done = std::none_of(inputs.begin(), inputs.end(), [](const Input& in) { return in.more; });
  inputs.clear();  // cursors closed before their trees are emptied
  if (!done) {
    write_merge(txn);
    return;
  }
  for (std::uint8_t slot : merge.inputs) {
    clear_slot(txn, slot);
    blooms_[slot].reset();
    runs_.erase(std::find(runs_.begin(), runs_.end(), slot));
  }
  runs_.push_back(merge.target);
  store_bloom(txn, merge.target);
  merge_.reset();
  del(txn, dbis_.meta, to_val(kMergeKey));
  write_runs(txn);
}

void IdIndex::write_runs(MDB_txn* txn) const {
  put(txn, dbis_.meta, to_val(kRunsKey), to_val(runs_.data(), runs_.size()));
}

void IdIndex::write_merge(MDB_txn* txn) const {
  std::string state;
  state += static_cast<char>(merge_->target);
  state += static_cast<char>(merge_->inputs.size());
  state.append(merge_->inputs.begin(), merge_->inputs.end());
  state += static_cast<char>(merge_->last ? 32 : 0);
  if (merge_->last) state.append(reinterpret_cast<const char*>(merge_->last->data()), 32);
  put(txn, dbis_.meta, to_val(kMergeKey), to_val(state));
}

}  // namespace pleb::store::lmdb
