#include "store/lmdb/run_set.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <stdexcept>

namespace pleb::store::lmdb {
namespace {

constexpr unsigned kBitsPerEntry = 10;
constexpr unsigned kProbes = 7;  // the best count for 10 bits per entry: ~1 % false positives

std::string meta_key(const RunLayout& layout, std::string_view what) {
  return std::string(layout.name) + "_" + std::string(what);
}

std::string bloom_key(const RunLayout& layout, std::uint8_t slot) {
  return meta_key(layout, "bloom.") + std::to_string(slot);
}

// True when a slot is named twice.
bool has_repeats(RunSlots slots) {
  std::sort(slots.begin(), slots.end());
  return std::adjacent_find(slots.begin(), slots.end()) != slots.end();
}

std::uint64_t word_at(const std::uint8_t* at) {
  std::uint64_t w;
  std::memcpy(&w, at, sizeof w);
  return w;
}

}  // namespace

BloomHash bloom_hash(const RunLayout& layout, const std::uint8_t* unit) {
  const std::uint8_t* hash = unit + layout.hash_offset;
  BloomHash out{word_at(hash), word_at(hash + 8) | 1};
  // A tag's letter: `#e X` and `#p X` are different units with the same value hash.
  for (const std::uint8_t* b = unit; b < hash; ++b)
    out.first = std::rotl(out.first ^ (*b * 0x9e3779b97f4a7c15ULL), 17);
  return out;
}

RunSet::Merge parse_merge(std::string_view state, const RunSlots& runs, const RunLayout& layout) {
  auto damaged = [&] {
    return std::runtime_error("event store: " + std::string(layout.description) +
                              "'s merge state is damaged");
  };
  const auto* p = reinterpret_cast<const std::uint8_t*>(state.data());
  if (state.size() < 3) throw damaged();
  RunSet::Merge merge;
  merge.target = p[0];
  std::size_t inputs = p[1], at = 2 + inputs;
  if (inputs < 2 || state.size() < at + 1) throw damaged();
  merge.inputs.assign(p + 2, p + at);
  if (p[at] == layout.key_size && state.size() == at + 1 + layout.key_size) {
    merge.last = std::string(state.substr(at + 1));
  } else if (p[at] != 0 || state.size() != at + 1) {
    throw damaged();
  }
  auto in_runs = [&](std::uint8_t slot) { return std::find(runs.begin(), runs.end(), slot) != runs.end(); };
  // The inputs are distinct sealed runs (not the active one, runs.front()); the target is no run yet.
  if (has_repeats(merge.inputs)) throw damaged();
  if (merge.target >= kRunSlots || in_runs(merge.target) ||
      !std::all_of(merge.inputs.begin(), merge.inputs.end(),
                   [&](std::uint8_t s) { return in_runs(s) && s != runs.front(); })) {
    throw damaged();
  }
  return merge;
}

RunSlots read_runs(MDB_txn* txn, const RunLayout& layout) {
  MDB_val value;
  if (!get(txn, layout.meta, to_val(meta_key(layout, "runs")), value) || value.mv_size == 0)
    return RunSlots{0};
  const auto* slots = static_cast<const std::uint8_t*>(value.mv_data);
  RunSlots runs(slots, slots + value.mv_size);
  // A slot out of range would index past the handles, and one named twice would be merged with itself:
  // such a store was not written by this code.
  if (*std::max_element(runs.begin(), runs.end()) >= kRunSlots || has_repeats(runs)) {
    throw std::runtime_error("event store: " + std::string(layout.description) +
                             "'s list of runs is damaged");
  }
  return runs;
}

RunSnapshot::RunSnapshot(MDB_txn* txn, const RunLayout& layout)
    : txn_(txn), layout_(layout), runs_(read_runs(txn, layout)) {
  MDB_val value;
  for (std::uint8_t slot : runs_) {
    bool stored = lmdb::get(txn, layout.meta, to_val(bloom_key(layout, slot)), value);
    filters_.push_back(stored ? as_view(value) : std::string_view{});
  }
}

bool RunSnapshot::may_hold(std::size_t run, BloomHash hash) const {
  return filters_[run].empty() || RunBloom::stored_may_contain(filters_[run], hash);
}

bool RunSnapshot::get(const std::uint8_t* key, MDB_val& value) const {
  BloomHash hash = bloom_hash(layout_, key);
  for (std::size_t i = 0; i < runs_.size(); ++i) {
    if (may_hold(i, hash) &&
        lmdb::get(txn_, (*layout_.slots)[runs_[i]], to_val(key, layout_.key_size), value)) {
      return true;
    }
  }
  return false;
}

void RunSnapshot::runs_for(const std::uint8_t* unit, std::vector<MDB_dbi>& out) const {
  BloomHash hash = bloom_hash(layout_, unit);
  for (std::size_t i = 0; i < runs_.size(); ++i) {
    if (may_hold(i, hash)) out.push_back((*layout_.slots)[runs_[i]]);
  }
}

RunBloom::RunBloom(std::size_t expected_entries) {
  std::size_t bits = std::bit_ceil(std::max<std::size_t>(expected_entries, 1024) * kBitsPerEntry);
  words_.assign(bits / 64, 0);
}

std::optional<RunBloom> RunBloom::from_bytes(std::string_view bytes) {
  std::size_t bits = bytes.size() * 8;
  if (bits < 64 || !std::has_single_bit(bits)) return std::nullopt;
  RunBloom bloom;
  bloom.words_.resize(bits / 64);
  std::memcpy(bloom.words_.data(), bytes.data(), bytes.size());
  return bloom;
}

std::string_view RunBloom::bytes() const {
  return {reinterpret_cast<const char*>(words_.data()), words_.size() * sizeof(std::uint64_t)};
}

void RunBloom::add(BloomHash hash) {
  const std::uint64_t mask = words_.size() * 64 - 1;
  std::uint64_t h = hash.first;
  for (unsigned i = 0; i < kProbes; ++i, h += hash.step)
    words_[(h & mask) >> 6] |= std::uint64_t{1} << (h & 63);
}

bool RunBloom::stored_may_contain(std::string_view bytes, BloomHash hash) {
  std::size_t bits = bytes.size() * 8;
  if (bits < 64 || !std::has_single_bit(bits)) return true;
  const std::uint64_t mask = bits - 1;
  std::uint64_t h = hash.first;
  for (unsigned i = 0; i < kProbes; ++i, h += hash.step) {
    std::uint64_t word;  // LMDB values are not 8-byte aligned
    std::memcpy(&word, bytes.data() + ((h & mask) >> 6) * sizeof word, sizeof word);
    if (!(word & (std::uint64_t{1} << (h & 63)))) return false;
  }
  return true;
}

void RunSet::prepare(MDB_txn* txn) {
  if (prepared_) return;
  runs_ = read_runs(txn, layout_);
  merge_.reset();
  MDB_val value;
  if (lmdb::get(txn, layout_.meta, to_val(meta_key(layout_, "merge")), value))
    merge_ = parse_merge(as_view(value), runs_, layout_);
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

bool RunSet::get(MDB_txn* txn, const std::uint8_t* key, MDB_val& value) const {
  BloomHash hash = bloom_hash(layout_, key);
  for (std::uint8_t slot : runs_) {
    if (blooms_[slot]->may_contain(hash) && lmdb::get(txn, dbi(slot), to_val(key, layout_.key_size), value))
      return true;
  }
  return false;
}

Cursor RunSet::active_cursor(MDB_txn* txn) const {
  return Cursor(txn, dbi(runs_.front()));
}

void RunSet::put(Cursor& active, const MDB_val& key, const MDB_val& value) {
  active.put(key, value);
  blooms_[runs_.front()]->add(bloom_hash(layout_, as_bytes(key)));
}

bool RunSet::erase(MDB_txn* txn, const std::uint8_t* key) {
  BloomHash hash = bloom_hash(layout_, key);
  MDB_val k = to_val(key, layout_.key_size);
  bool erased = false;
  for (std::uint8_t slot : runs_) {
    if (blooms_[slot]->may_contain(hash) && del(txn, dbi(slot), k)) {
      erased = true;
      break;
    }
  }
  // The merge may have copied it already.
  if (merge_) del(txn, dbi(merge_->target), k);
  return erased;
}

void RunSet::maintain(MDB_txn* txn, std::size_t inserted) {
  // Filters rebuilt when the store was opened (a run from before the filters were stored) are stored at
  // the first write.
  for (std::size_t s = 0; s < kRunSlots; ++s) {
    if (unstored_[s] && blooms_[s]) store_bloom(txn, static_cast<std::uint8_t>(s));
    unstored_[s] = false;
  }
  seal_if_full(txn);
  start_merge_if_due(txn);
  if (merge_) advance_merge(txn, std::max(options_.min_merge_step, inserted * options_.merge_step_per_entry));
}

std::size_t RunSet::entries(MDB_txn* txn, std::uint8_t slot) const {
  MDB_stat stat;
  check(mdb_stat(txn, dbi(slot), &stat), "mdb_stat");
  return stat.ms_entries;
}

// Tier t holds runs of run_entries × width^t entries, roughly: merging `width` runs of one tier makes one
// of the next.
std::size_t RunSet::tier(std::size_t n) const {
  std::size_t t = 0;
  for (n /= std::max<std::size_t>(options_.run_entries, 1); n >= options_.merge_width;
       n /= options_.merge_width)
    ++t;
  return t;
}

std::optional<std::uint8_t> RunSet::free_slot() const {
  for (std::size_t s = 0; s < kRunSlots; ++s) {
    auto slot = static_cast<std::uint8_t>(s);
    if (std::find(runs_.begin(), runs_.end(), slot) != runs_.end()) continue;
    if (merge_ && merge_->target == slot) continue;
    return slot;
  }
  return std::nullopt;
}

void RunSet::build_bloom(MDB_txn* txn, std::uint8_t slot, std::size_t expected) {
  auto& bloom = blooms_[slot].emplace(expected);
  Cursor cursor(txn, dbi(slot));
  MDB_val key;
  for (bool more = cursor.move(key, MDB_FIRST); more; more = cursor.move(key, MDB_NEXT)) {
    if (key.mv_size != layout_.key_size) continue;
    bloom.add(bloom_hash(layout_, as_bytes(key)));
    ++entries_scanned_;
  }
}

void RunSet::load_bloom(MDB_txn* txn, std::uint8_t slot, std::size_t expected) {
  MDB_val value;
  if (lmdb::get(txn, layout_.meta, to_val(bloom_key(layout_, slot)), value)) {
    if (auto bloom = RunBloom::from_bytes(as_view(value))) {
      blooms_[slot] = std::move(*bloom);
      return;
    }
  }
  build_bloom(txn, slot, expected);
  unstored_[slot] = true;
}

void RunSet::store_bloom(MDB_txn* txn, std::uint8_t slot) const {
  lmdb::put(txn, layout_.meta, to_val(bloom_key(layout_, slot)), to_val(blooms_[slot]->bytes()));
}

// Empties a slot and forgets its filter: merged inputs, and (only defensively: a free slot is empty) a
// slot about to be used again.
void RunSet::clear_slot(MDB_txn* txn, std::uint8_t slot) const {
  check(mdb_drop(txn, dbi(slot), 0), "mdb_drop");
  del(txn, layout_.meta, to_val(bloom_key(layout_, slot)));
}

void RunSet::seal_if_full(MDB_txn* txn) {
  if (entries(txn, runs_.front()) < options_.run_entries) return;
  auto slot = free_slot();
  if (!slot) return;  // every slot in use: the active run keeps growing until a merge frees one
  store_bloom(txn, runs_.front());
  clear_slot(txn, *slot);
  runs_.insert(runs_.begin(), *slot);
  blooms_[*slot].emplace(options_.run_entries);
  write_runs(txn);
}

void RunSet::start_merge_if_due(MDB_txn* txn) {
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

void RunSet::advance_merge(MDB_txn* txn, std::size_t budget) {
  Merge& merge = *merge_;
  // Each input's current entry is copied out: LMDB may move the pages it read once the target is
  // written to (values returned stay valid only until the next update), while cursors stay valid.
  struct Input {
    Cursor cursor;
    std::size_t key_size;
    std::string key;
    std::string value;
    bool more = false;

    void step(MDB_cursor_op op, MDB_val at = {}) {
      MDB_val v;
      for (more = cursor.move(at, v, op); more; more = cursor.move(at, v, MDB_NEXT)) {
        if (at.mv_size != key_size) continue;  // not a key this code wrote
        key.assign(as_view(at));
        value.assign(as_view(v));
        return;
      }
    }
  };
  std::vector<Input> inputs;
  inputs.reserve(merge.inputs.size());
  for (std::uint8_t slot : merge.inputs) {
    Input& in = inputs.emplace_back(Input{Cursor(txn, dbi(slot)), layout_.key_size, {}, {}});
    if (!merge.last) {
      in.step(MDB_FIRST);
      continue;
    }
    in.step(MDB_SET_RANGE, to_val(*merge.last));
    if (in.more && in.key == *merge.last) in.step(MDB_NEXT);
  }
  Cursor target(txn, dbi(merge.target));
  auto& bloom = *blooms_[merge.target];
  for (std::size_t copied = 0; copied < budget; ++copied) {
    Input* next = nullptr;
    for (auto& in : inputs) {
      if (in.more && (!next || in.key < next->key)) next = &in;
    }
    if (!next) break;
    // A key is in one run only; should one ever be in two, the first copy is kept.
    if (!merge.last || next->key != *merge.last) {
      target.put(to_val(next->key), to_val(next->value), MDB_APPEND);
      bloom.add(bloom_hash(layout_, reinterpret_cast<const std::uint8_t*>(next->key.data())));
      merge.last = next->key;
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
  del(txn, layout_.meta, to_val(meta_key(layout_, "merge")));
  write_runs(txn);
}

void RunSet::write_runs(MDB_txn* txn) const {
  lmdb::put(txn, layout_.meta, to_val(meta_key(layout_, "runs")), to_val(runs_.data(), runs_.size()));
}

void RunSet::write_merge(MDB_txn* txn) const {
  std::string state;
  state += static_cast<char>(merge_->target);
  state += static_cast<char>(merge_->inputs.size());
  state.append(merge_->inputs.begin(), merge_->inputs.end());
  state += static_cast<char>(merge_->last ? layout_.key_size : 0);
  if (merge_->last) state += *merge_->last;
  lmdb::put(txn, layout_.meta, to_val(meta_key(layout_, "merge")), to_val(state));
}

}  // namespace pleb::store::lmdb
