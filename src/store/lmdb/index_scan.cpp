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

void IndexScan::open(MDB_txn* txn, MDB_dbi dbi) {
  cursor_.emplace(txn, dbi);
  cursor_lane_ = kNoLane;
  heap_.clear();
  for (std::uint32_t i = 0; i < lanes_.size(); ++i) {
    if (lanes_[i].done) continue;
    Head head;
    if (seek(i, head)) push(head);
  }
}

void IndexScan::close() {
  cursor_.reset();
  cursor_lane_ = kNoLane;
  heap_.clear();  // heads not handed out are found again below their lane's bound
}

void IndexScan::push(Head head) {
  heap_.push_back(head);
  std::push_heap(heap_.begin(), heap_.end());
}

bool IndexScan::accept(std::uint32_t lane, const MDB_val& key, Head& out) {
  const Prefix& p = lanes_[lane].prefix;
  const std::uint8_t* k = as_bytes(key);
  if (key.mv_size != p.size + kSuffixSize || std::memcmp(k, p.bytes.data(), p.size) != 0) return false;
  out.time = load_be64(k + p.size);
  out.serial = load_be64(k + p.size + 8);
  out.lane = lane;
  if (out.time < since_) return false;
  ++examined_;
  return true;
}

// The greatest key below the lane's bound: SET_RANGE lands on the first key at or above it, so the
// answer is the one before (or the very last key when nothing is at or above).
bool IndexScan::seek(std::uint32_t lane, Head& out) {
  Lane& l = lanes_[lane];
  Key bound;
  bound.append(l.prefix.bytes.data(), l.prefix.size).be64(l.bound_time).be64(l.bound_serial);
  MDB_val key = bound.val(), value;
  bool found = cursor_->move(key, value, MDB_SET_RANGE) ? cursor_->move(key, value, MDB_PREV)
                                                        : cursor_->move(key, value, MDB_LAST);
  if (found && accept(lane, key, out)) {
    cursor_lane_ = lane;
    return true;
  }
  l.done = true;
  cursor_lane_ = kNoLane;
  return false;
}

bool IndexScan::step_back(std::uint32_t lane, Head& out) {
  MDB_val key, value;
  if (cursor_->move(key, value, MDB_PREV) && accept(lane, key, out)) return true;
  lanes_[lane].done = true;
  cursor_lane_ = kNoLane;
  return false;
}

bool IndexScan::next(Candidate& out) {
  while (!heap_.empty()) {
    std::pop_heap(heap_.begin(), heap_.end());
    Head head = heap_.back();
    heap_.pop_back();
    Lane& lane = lanes_[head.lane];
    lane.bound_time = head.time;
    lane.bound_serial = head.serial;
    Head following;
    // A lane read in a run stays on its cursor position and only steps back: one page access, no seek.
    bool more = cursor_lane_ == head.lane ? step_back(head.lane, following) : seek(head.lane, following);
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
