#pragma once
// The storage rules of NIP-01 (replaceable and addressable events), NIP-09 (deletions and their
// tombstones) and NIP-40 (expiration), applied inside one write transaction. Every LMDB failure
// throws LmdbError; the caller aborts the transaction and fails the whole batch.
#include <lmdb.h>

#include <cstdint>
#include <string>

#include "nostr/event.hpp"
#include "store/event_store.hpp"
#include "store/lmdb/keys.hpp"
#include "store/lmdb/schema.hpp"

namespace pleb::store::lmdb {

class EventWriter {
 public:
  // `scratch` is a buffer owned by the store, reused so that encoding a record does not allocate.
  EventWriter(MDB_txn* txn, const Dbis& dbis, std::string& scratch);

  // Applies the rules to one event; later calls see the effects of earlier ones.
  WriteResult write(const nostr::Event& event, std::int64_t now);
  // Removes every event whose expiration is at or before `now`.
  std::size_t purge_expired(std::int64_t now);
  // Removes the stored events with these ids; returns how many there were.
  std::size_t erase(std::span<const nostr::Bytes32> ids);
  std::size_t erase_author(const nostr::Bytes32& pubkey, std::size_t limit);
  // Persists the serial counter; call once before committing.
  void finish();

 private:
  std::uint64_t find_serial(const nostr::Bytes32& id);
  bool read_header(std::uint64_t serial, RecordHeader& header);
  bool is_tombstoned(const nostr::Event& event, const Key* address);
  void insert(const nostr::Event& event, std::int64_t expiration, const Key* address);
  bool remove(std::uint64_t serial);
  void apply_deletion(const nostr::Event& deletion);
  void delete_by_id(const nostr::Event& deletion, std::string_view hex_id);
  void delete_by_address(const nostr::Event& deletion, std::string_view address);

  MDB_txn* txn_;
  const Dbis& dbis_;
  std::string& scratch_;
  std::uint64_t next_serial_ = 1;
};

}  // namespace pleb::store::lmdb
