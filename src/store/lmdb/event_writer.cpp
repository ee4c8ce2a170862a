#include "store/lmdb/event_writer.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <vector>

#include "nostr/event_parse.hpp"
#include "nostr/kinds.hpp"
#include "store/event_store.hpp"
#include "store/lmdb/index_entries.hpp"
#include "store/lmdb/lmdb_env.hpp"

namespace pleb::store::lmdb {
namespace {

static_assert(sizeof(std::size_t) == sizeof(std::uint64_t), "MDB_INTEGERKEY serials need a 64-bit size_t");

constexpr std::string_view kNextSerialKey = "next_serial";
constexpr std::size_t kPurgeChunk = 1024;

MDB_val serial_val(const std::uint64_t& serial) {
  return to_val(&serial, sizeof serial);
}

// Index entries carry everything in the key. A non-null pointer even for zero bytes, because LMDB
// memcpy()s from it.
const MDB_val kEmpty{0, const_cast<char*>("")};

std::uint64_t read_u64(const MDB_val& value) {
  std::uint64_t v = 0;
  if (value.mv_size == sizeof v) std::memcpy(&v, value.mv_data, sizeof v);
  return v;
}

}  // namespace

EventWriter::EventWriter(MDB_txn* txn, const Dbis& dbis, WriteBuffers& buffers, IdIndex& ids, RunSet& tags)
    : txn_(txn), dbis_(dbis), buffers_(buffers), ids_(ids), tags_(tags) {
  buffers_.clear();  // what a failed batch left
  ids_.prepare(txn_);
  tags_.prepare(txn_);
  MDB_val value;
  if (get(txn_, dbis_.meta, to_val(kNextSerialKey), value))
    next_serial_ = std::max(next_serial_, read_u64(value));
  // Never trust the counter alone: MDB_APPEND needs a serial above every stored one.
  Cursor cursor(txn_, dbis_.events);
  MDB_val key;
  if (cursor.move(key, value, MDB_LAST)) next_serial_ = std::max(next_serial_, read_u64(key) + 1);
  first_serial_ = next_serial_;
}

void EventWriter::finish() {
  const auto& removed = buffers_.removed;
  const auto in_order = [](const Key& a, const Key& b) { return a.view() < b.view(); };
  std::size_t tags_inserted = 0;
  for (auto& [dbi, keys] : buffers_.entries) {
    if (keys.empty()) continue;
    if (!std::is_sorted(keys.begin(), keys.end(), in_order)) std::sort(keys.begin(), keys.end(), in_order);
    // One cursor per database: consecutive keys that share a leaf page skip LMDB's descent from the root.
    const bool tags = dbi == dbis_.tag;
    Cursor cursor = tags ? tags_.active_cursor(txn_) : Cursor(txn_, dbi);
    for (const auto& key : keys) {
      // Every secondary key ends in the event's serial.
      if (!removed.empty() && removed.contains(load_be64(key.data() + key.size() - 8))) continue;
      if (tags) {
        tags_.put(cursor, key.val(), kEmpty);
        ++tags_inserted;
      } else {
        cursor.put(key.val(), kEmpty);
      }
    }
  }
  tags_.maintain(txn_, tags_inserted);
  auto& ids = buffers_.sorted_ids;
  ids.assign(buffers_.ids.begin(), buffers_.ids.end());
  std::sort(ids.begin(), ids.end());
  ids_.put_sorted(txn_, ids);
  ids_.maintain(txn_, ids.size());
  buffers_.clear();
  put(txn_, dbis_.meta, to_val(kNextSerialKey), serial_val(next_serial_));
}

std::uint64_t EventWriter::find_serial(const nostr::Bytes32& id) {
  if (auto pending = buffers_.ids.find(id); pending != buffers_.ids.end()) return pending->second;
  return ids_.find(txn_, id);
}

bool EventWriter::read_header(std::uint64_t serial, RecordHeader& header) {
  MDB_val value;
  std::string_view json;
  return get(txn_, dbis_.events, serial_val(serial), value) && decode_record(value, header, json);
}

WriteResult EventWriter::write(const nostr::Event& event, std::int64_t now, std::string_view json) {
  if (find_serial(event.id) != 0) return make_result(WriteStatus::kDuplicate);
  auto expires = nostr::expiration(event);
  if (expires && *expires <= now) return make_result(WriteStatus::kExpired);

  Key address;
  bool has_address = address_key(event.pubkey, event.kind, nostr::d_tag(event), address);
  if (is_tombstoned(event, has_address ? &address : nullptr)) return make_result(WriteStatus::kDeleted);

  if (has_address) {
    MDB_val value;
    if (get(txn_, dbis_.address, address.val(), value)) {
      std::uint64_t old_serial = read_u64(value);
      RecordHeader old;
      if (read_header(old_serial, old)) {
        // NIP-01: the newest wins; on equal created_at, the lowest id.
        bool old_wins =
            old.created_at > event.created_at || (old.created_at == event.created_at && old.id < event.id);
        if (old_wins) return make_result(WriteStatus::kSuperseded);
        remove(old_serial);
      }
    }
  }

  insert(event, expires.value_or(RecordHeader::kNoExpiration), has_address ? &address : nullptr, json);
  if (event.kind == nostr::kKindDeletion) apply_deletion(event);
  return make_result(WriteStatus::kStored);
}

bool EventWriter::is_tombstoned(const nostr::Event& event, const Key* address) {
  // NIP-09: deleting a deletion has no effect, so a kind 5 is never refused as deleted.
  if (event.kind == nostr::kKindDeletion) return false;
  MDB_val value;
  Key tombstone;
  tombstone.append(event.id).append(event.pubkey);
  if (get(txn_, dbis_.deleted_ids, tombstone.val(), value)) return true;
  if (address && get(txn_, dbis_.deleted_addrs, address->val(), value) && value.mv_size == 8) {
    std::int64_t deleted_up_to = 0;
    std::memcpy(&deleted_up_to, value.mv_data, 8);
    if (event.created_at <= deleted_up_to) return true;
  }
  return false;
}

void EventWriter::insert(const nostr::Event& event, std::int64_t expiration, const Key* address,
                         std::string_view json) {
  const std::uint64_t serial = next_serial_++;
  buffers_.record.clear();
  encode_record(event, expiration, buffers_.record, json);
  put(txn_, dbis_.events, serial_val(serial), to_val(buffers_.record), MDB_APPEND);
  buffers_.ids.emplace(event.id, serial);
  for_each_index_entry(dbis_, {event.pubkey, event.created_at, event.kind, event.tags, serial},
                       [&](MDB_dbi dbi, const Key& key) { buffers_.keys_of(dbi).push_back(key); });
  if (address) put(txn_, dbis_.address, address->val(), serial_val(serial));
  if (expiration != RecordHeader::kNoExpiration) {
    Key k;
    put(txn_, dbis_.expiry, k.time(expiration).be64(serial).val(), kEmpty);
  }
}

std::size_t EventWriter::erase(std::span<const nostr::Bytes32> ids) {
  std::size_t removed = 0;
  for (const auto& id : ids) {
    std::uint64_t serial = find_serial(id);
    if (serial != 0 && remove(serial)) ++removed;
  }
  return removed;
}

std::size_t EventWriter::erase_author(const nostr::Bytes32& pubkey, std::size_t limit) {
  // The author's index keys are pubkey, created_at, serial: collect the serials first, since removing
  // deletes keys under the cursor.
  std::vector<std::uint64_t> serials;
  {
    Cursor cursor(txn_, dbis_.pubkey);
    Key prefix;
    prefix.append(pubkey);
    MDB_val key = prefix.val();
    for (bool more = cursor.move(key, MDB_SET_RANGE); more && serials.size() < limit;
         more = cursor.move(key, MDB_NEXT)) {
      if (key.mv_size < 40 || std::memcmp(key.mv_data, pubkey.data(), 32) != 0) break;
      serials.push_back(load_be64(as_bytes(key) + key.mv_size - 8));
    }
  }
  std::size_t removed = 0;
  for (auto serial : serials) removed += remove(serial) ? 1 : 0;
  return removed;
}

bool EventWriter::remove(std::uint64_t serial) {
  MDB_val value;
  RecordHeader header;
  std::string_view json;
  if (!get(txn_, dbis_.events, serial_val(serial), value) || !decode_record(value, header, json))
    return false;
  // `json` points into a page that the deletions below may free: take what is needed first.
  auto parsed = nostr::parse_event(json, stored_event_limits());
  static const std::vector<nostr::Tag> kNoTags;
  const std::vector<nostr::Tag>& tags = parsed ? parsed->tags : kNoTags;

  if (serial >= first_serial_) {
    buffers_.removed.insert(serial);  // its entries are still pending
  } else {
    for_each_index_entry(dbis_, {header.pubkey, header.created_at, header.kind, tags, serial},
                         [&](MDB_dbi dbi, const Key& key) {
                           if (dbi == dbis_.tag) {
                             tags_.erase(txn_, key.data());
                           } else {
                             del(txn_, dbi, key.val());
                           }
                         });
  }
  if (serial >= first_serial_) {
    buffers_.ids.erase(header.id);
  } else {
    ids_.erase(txn_, header.id);
  }
  Key address;
  if (parsed && address_key(header.pubkey, header.kind, nostr::d_tag(*parsed), address)) {
    MDB_val current;
    if (get(txn_, dbis_.address, address.val(), current) && read_u64(current) == serial) {
      del(txn_, dbis_.address, address.val());
    }
  }
  if (header.expiration != RecordHeader::kNoExpiration) {
    Key k;
    del(txn_, dbis_.expiry, k.time(header.expiration).be64(serial).val());
  }
  del(txn_, dbis_.events, serial_val(serial));
  return true;
}

void EventWriter::apply_deletion(const nostr::Event& deletion) {
  for (const auto& tag : deletion.tags) {
    if (tag.size() < 2) continue;
    if (tag[0] == "e") delete_by_id(deletion, tag[1]);
    if (tag[0] == "a") delete_by_address(deletion, tag[1]);
  }
}

void EventWriter::delete_by_id(const nostr::Event& deletion, std::string_view hex_id) {
  auto id = nostr::parse_hex_lower<32>(hex_id);
  if (!id) return;
  // The tombstone is keyed by the deleter too: it only ever blocks that author's event, so anyone
  // naming someone else's id achieves nothing. Recorded even when the event has not arrived yet.
  Key tombstone;
  tombstone.append(*id).append(deletion.pubkey);
  put(txn_, dbis_.deleted_ids, tombstone.val(), kEmpty);
  std::uint64_t serial = find_serial(*id);
  RecordHeader target;
  if (serial == 0 || !read_header(serial, target)) return;
  if (target.pubkey != deletion.pubkey || target.kind == nostr::kKindDeletion) return;
  remove(serial);
}

void EventWriter::delete_by_address(const nostr::Event& deletion, std::string_view address) {
  // "kind:pubkey:d"; the d part may itself contain colons and may be missing for replaceable kinds.
  std::size_t first = address.find(':');
  if (first == std::string_view::npos) return;
  std::uint32_t kind = 0;
  auto [end, ec] = std::from_chars(address.data(), address.data() + first, kind);
  if (ec != std::errc{} || end != address.data() + first || first == 0) return;
  std::string_view rest = address.substr(first + 1);
  std::size_t second = rest.find(':');
  std::string_view hex_pubkey = rest.substr(0, second);
  std::string_view d = second == std::string_view::npos ? std::string_view{} : rest.substr(second + 1);
  auto pubkey = nostr::parse_hex_lower<32>(hex_pubkey);
  if (!pubkey || *pubkey != deletion.pubkey) return;

  Key key;
  if (!address_key(*pubkey, kind, d, key)) return;
  MDB_val value;
  std::int64_t up_to = deletion.created_at;
  if (get(txn_, dbis_.deleted_addrs, key.val(), value) && value.mv_size == 8) {
    std::int64_t previous = 0;
    std::memcpy(&previous, value.mv_data, 8);
    up_to = std::max(up_to, previous);
  }
  put(txn_, dbis_.deleted_addrs, key.val(), to_val(&up_to, sizeof up_to));

  if (!get(txn_, dbis_.address, key.val(), value)) return;
  std::uint64_t serial = read_u64(value);
  RecordHeader target;
  if (read_header(serial, target) && target.created_at <= deletion.created_at) remove(serial);
}

std::size_t EventWriter::purge_expired(std::int64_t now) {
  std::size_t removed = 0;
  std::vector<Key> due;
  for (;;) {
    due.clear();
    {
      Cursor cursor(txn_, dbis_.expiry);
      MDB_val key, value;
      for (bool more = cursor.move(key, value, MDB_FIRST); more && due.size() < kPurgeChunk;
           more = cursor.move(key, value, MDB_NEXT)) {
        if (key.mv_size != 16 || decode_time(load_be64(as_bytes(key))) > now) break;
        due.emplace_back().append(as_bytes(key), key.mv_size);
      }
    }
    for (const Key& k : due) {
      // Dropping the entry first guarantees progress even if its record is already gone.
      del(txn_, dbis_.expiry, k.val());
      if (remove(load_be64(k.data() + 8))) ++removed;
    }
    if (due.size() < kPurgeChunk) return removed;
  }
}

}  // namespace pleb::store::lmdb
