#pragma once
// Thin RAII over the LMDB C API. Errors become LmdbError exceptions so that the write path can abort
// its transaction from any depth and report one failure for the whole batch.
#include <lmdb.h>

#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pleb::store::lmdb {

class LmdbError : public std::runtime_error {
 public:
  LmdbError(int code, std::string_view what);
  int code() const { return code_; }

 private:
  int code_;
};

[[noreturn]] void throw_error(int rc, std::string_view what);
inline void check(int rc, std::string_view what) {
  if (rc != MDB_SUCCESS) throw_error(rc, what);
}

inline MDB_val to_val(const void* data, std::size_t size) {
  return MDB_val{size, const_cast<void*>(data)};  // LMDB never writes through a key or value it is given
}
inline MDB_val to_val(std::string_view text) {
  return to_val(text.data(), text.size());
}
inline std::string_view as_view(const MDB_val& val) {
  return {static_cast<const char*>(val.mv_data), val.mv_size};
}
inline const std::uint8_t* as_bytes(const MDB_val& val) {
  return static_cast<const std::uint8_t*>(val.mv_data);
}

// Point lookup; false when the key is absent.
bool get(MDB_txn* txn, MDB_dbi dbi, const MDB_val& key, MDB_val& value);
void put(MDB_txn* txn, MDB_dbi dbi, const MDB_val& key, const MDB_val& value, unsigned flags = 0);
// False when the key was already absent, which callers removing index entries treat as done.
bool del(MDB_txn* txn, MDB_dbi dbi, const MDB_val& key);

struct EnvConfig {
  std::string directory;
  std::size_t map_size = 0;
  // When the address space for map_size is refused (ENOMEM: a ulimit -v, a sanitizer's memory layout),
  // the map is halved until it fits, down to this. LMDB never maps less than the data file holds.
  std::size_t min_map_size = 0;
  unsigned max_readers = 0;
  unsigned max_dbs = 0;
  unsigned flags = 0;
};

class Env {
 public:
  explicit Env(const EnvConfig& config);
  ~Env();
  Env(const Env&) = delete;
  Env& operator=(const Env&) = delete;
  MDB_env* get() const { return env_; }

 private:
  int try_open(const EnvConfig& config, std::size_t map_size);

  MDB_env* env_ = nullptr;
};

class Txn {
 public:
  Txn() = default;
  Txn(MDB_env* env, unsigned flags);
  explicit Txn(MDB_txn* adopted) : txn_(adopted) {}
  ~Txn() { abort(); }
  Txn(Txn&& other) noexcept : txn_(std::exchange(other.txn_, nullptr)) {}
  Txn& operator=(Txn&& other) noexcept {
    if (this != &other) {
      abort();
      txn_ = std::exchange(other.txn_, nullptr);
    }
    return *this;
  }
  MDB_txn* get() const { return txn_; }
  explicit operator bool() const { return txn_ != nullptr; }
  void commit();
  void abort() {
    if (txn_) mdb_txn_abort(std::exchange(txn_, nullptr));
  }
  MDB_txn* release() { return std::exchange(txn_, nullptr); }

 private:
  MDB_txn* txn_ = nullptr;
};

// Must be destroyed before its transaction ends: LMDB frees write-transaction cursors itself.
class Cursor {
 public:
  Cursor(MDB_txn* txn, MDB_dbi dbi);
  ~Cursor() {
    if (cursor_) mdb_cursor_close(cursor_);
  }
  Cursor(Cursor&& other) noexcept : cursor_(std::exchange(other.cursor_, nullptr)) {}
  Cursor& operator=(Cursor&& other) noexcept {
    if (this != &other) {
      if (cursor_) mdb_cursor_close(cursor_);
      cursor_ = std::exchange(other.cursor_, nullptr);
    }
    return *this;
  }
  MDB_cursor* get() const { return cursor_; }
  // False at either end of the database or when a key is not found; throws on real errors.
  bool move(MDB_val& key, MDB_val& value, MDB_cursor_op op);
  bool move(MDB_val& key, MDB_cursor_op op) {
    MDB_val value;
    return move(key, value, op);
  }
  // A put through a cursor that stays open: when the key belongs on the leaf page the cursor is already
  // on, LMDB skips the descent from the root, so keys put in order cost a search of one page.
  void put(const MDB_val& key, const MDB_val& value, unsigned flags = 0);

 private:
  MDB_cursor* cursor_ = nullptr;
};

// Read transactions are renewed rather than created for each query step: renewing keeps the reader
// slot and the allocation. With MDB_NOTLS an idle transaction still holds its slot, so only a few
// are kept; the rest are aborted.
class ReadTxnPool {
 public:
  ReadTxnPool(MDB_env* env, std::size_t max_idle) : env_(env), max_idle_(max_idle) {}
  ~ReadTxnPool();
  ReadTxnPool(const ReadTxnPool&) = delete;
  ReadTxnPool& operator=(const ReadTxnPool&) = delete;

  class Lease {
   public:
    Lease(ReadTxnPool* pool, MDB_txn* txn) : pool_(pool), txn_(txn) {}
    ~Lease() {
      if (txn_) pool_->release(txn_);
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    MDB_txn* get() const { return txn_; }

   private:
    ReadTxnPool* pool_;
    MDB_txn* txn_;
  };

  Lease acquire();

 private:
  void release(MDB_txn* txn);

  MDB_env* env_;
  std::size_t max_idle_;
  std::mutex mutex_;
  std::vector<MDB_txn*> idle_;
};

}  // namespace pleb::store::lmdb
