#include "store/lmdb/index_scan.hpp"

#include <algorithm>
#include <cstring>

namespace pleb::store::lmdb {

void IndexScan::init(std::vector<Prefix> prefixes, std::int64_t since, std::int64_t until) {
  since_ = encode_time(since);
  lanes_.clear();
  lanes_.reserve(prefixes.size());
  // The serial is never UINT64_MAX, so (until, max) as an exclusive bound includes all of `until`.
  for (const auto& p : prefixes) lanes_.push_back(Lane{p, encode_time(until), UINT64_MAX});
  heap_.reserve(lanes_.size());
}

std::uint32_t IndexScan::reader_for(MDB_txn* txn, MDB_dbi dbi) {
  for (std::uint32_t r = 0; r < readers_.size(); ++r)
    if (readers_[r].dbi == dbi) return r;
  readers_.push_back(Reader{dbi, Cursor(txn, dbi), kNone});
  return static_cast<std::uint32_t>(readers_.size() - 1);
}

template <typename DbisOfLane>
void IndexScan::open_sources(MDB_txn* txn, DbisOfLane dbis_of_lane) {
  close();
  for (std::uint32_t i = 0; i < lanes_.size(); ++i) {
    Lane& lane = lanes_[i];
    if (lane.done) continue;
    lane_dbis_.clear();
    dbis_of_lane(lane, lane_dbis_);
    lane.open_sources = static_cast<std::uint32_t>(lane_dbis_.size());
    if (lane_dbis_.empty()) lane.done = true;
    for (MDB_dbi dbi : lane_dbis_) {
      sources_.push_back(Source{i, reader_for(txn, dbi)});
      Head head;
      if (seek(static_cast<std::uint32_t>(sources_.size() - 1), head)) push(head);
    }
  }
}

void IndexScan::open(MDB_txn* txn, MDB_dbi dbi) {
  open_sources(txn, [dbi](const Lane&, std::vector<MDB_dbi>& out) { out.push_back(dbi); });
}

void IndexScan::open(MDB_txn* txn, const RunSnapshot& runs) {
  open_sources(txn, [&runs](const Lane& lane, std::vector<MDB_dbi>& out) {
    runs.runs_for(lane.prefix.bytes.data(), out);
  });
}

void IndexScan::close() {
  readers_.clear();
  sources_.clear();
  heap_.clear();  // heads not handed out are found again below their lane's bound
}

void IndexScan::push(Head head) {
  heap_.push_back(head);
  std::push_heap(heap_.begin(), heap_.end());
}

bool IndexScan::accept(std::uint32_t source, const MDB_val& key, Head& out) {
  const Prefix& p = lanes_[sources_[source].lane].prefix;
  const std::uint8_t* k = as_bytes(key);
  if (key.mv_size != p.size + kSuffixSize || std::memcmp(k, p.bytes.data(), p.size) != 0) return false;
  out.time = load_be64(k + p.size);
  out.serial = load_be64(k + p.size + 8);
  out.source = source;
  if (out.time < since_) return false;
  ++examined_;
  return true;
}

void IndexScan::exhausted(std::uint32_t source) {
  Reader& reader = readers_[sources_[source].reader];
  if (reader.on_source == source) reader.on_source = kNone;
  Lane& lane = lanes_[sources_[source].lane];
  if (--lane.open_sources == 0) lane.done = true;
}

// The greatest key below the lane's bound: SET_RANGE lands on the first key at or above it, so the
// answer is the one before (or the very last key when nothing is at or above).
bool IndexScan::seek(std::uint32_t source, Head& out) {
  const Lane& lane = lanes_[sources_[source].lane];
  Reader& reader = readers_[sources_[source].reader];
  Key bound;
  bound.append(lane.prefix.bytes.data(), lane.prefix.size).be64(lane.bound_time).be64(lane.bound_serial);
  MDB_val key = bound.val(), value;
  bool found = reader.cursor.move(key, value, MDB_SET_RANGE) ? reader.cursor.move(key, value, MDB_PREV)
                                                             : reader.cursor.move(key, value, MDB_LAST);
  if (found && accept(source, key, out)) {
    reader.on_source = source;
    return true;
  }
  reader.on_source = source;  // so that exhausted() clears it
  exhausted(source);
  return false;
}

bool IndexScan::step_back(std::uint32_t source, Head& out) {
  MDB_val key, value;
  if (readers_[sources_[source].reader].cursor.move(key, value, MDB_PREV) && accept(source, key, out))
    return true;
  exhausted(source);
  return false;
}

bool IndexScan::next(Candidate& out) {
  while (!heap_.empty()) {
    std::pop_heap(heap_.begin(), heap_.end());
    Head head = heap_.back();
    heap_.pop_back();
    Lane& lane = lanes_[sources_[head.source].lane];
    lane.bound_time = head.time;
    lane.bound_serial = head.serial;
    Head following;
    // A source read in a run of entries stays on its cursor position and only steps back: one page
    // access, no seek.
    bool on_it = readers_[sources_[head.source].reader].on_source == head.source;
    bool more = on_it ? step_back(head.source, following) : seek(head.source, following);
    if (more) push(following);

    // Lanes of a tag scan overlap: an event tagged with two of the values is in two lanes, and its two
    // entries come out of the heap one after the other.
    if (has_last_ && head.time == last_time_ && head.serial == last_serial_) continue;
    has_last_ = true;
    last_time_ = head.time;
    last_serial_ = head.serial;
    out.created_at = decode_time(head.time);
    out.serial = head.serial;
    return true;
  }
  return false;
}

}  // namespace pleb::store::lmdb
