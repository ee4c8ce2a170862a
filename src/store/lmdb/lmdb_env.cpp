#include "store/lmdb/lmdb_env.hpp"

#include <cerrno>

namespace pleb::store::lmdb {

LmdbError::LmdbError(int code, std::string_view what)
    : std::runtime_error(std::string(what) + ": " + mdb_strerror(code)), code_(code) {}

void throw_error(int rc, std::string_view what) {
  throw LmdbError(rc, what);
}

bool get(MDB_txn* txn, MDB_dbi dbi, const MDB_val& key, MDB_val& value) {
  MDB_val k = key;
  int rc = mdb_get(txn, dbi, &k, &value);
  if (rc == MDB_NOTFOUND) return false;
  check(rc, "mdb_get");
  return true;
}

void put(MDB_txn* txn, MDB_dbi dbi, const MDB_val& key, const MDB_val& value, unsigned flags) {
  MDB_val k = key;
  MDB_val v = value;
  check(mdb_put(txn, dbi, &k, &v, flags), "mdb_put");
}

void Cursor::put(const MDB_val& key, const MDB_val& value, unsigned flags) {
  MDB_val k = key;
  MDB_val v = value;
  check(mdb_cursor_put(cursor_, &k, &v, flags), "mdb_cursor_put");
}

bool del(MDB_txn* txn, MDB_dbi dbi, const MDB_val& key) {
  MDB_val k = key;
  int rc = mdb_del(txn, dbi, &k, nullptr);
  if (rc == MDB_NOTFOUND) return false;
  check(rc, "mdb_del");
  return true;
}

Env::Env(const EnvConfig& config) {
  std::size_t map_size = config.map_size;
  int rc = try_open(config, map_size);
  while (rc == ENOMEM && map_size / 2 >= config.min_map_size && map_size / 2 > 0) {
    map_size /= 2;
    rc = try_open(config, map_size);
  }
  check(rc, "mdb_env_open");
  // Slots left behind by a process that crashed would otherwise pin old pages forever.
  int dead = 0;
  rc = mdb_reader_check(env_, &dead);
  if (rc != MDB_SUCCESS) {
    mdb_env_close(env_);
    throw_error(rc, "mdb_reader_check");
  }
}

int Env::try_open(const EnvConfig& config, std::size_t map_size) {
  if (env_) mdb_env_close(std::exchange(env_, nullptr));  // LMDB: a failed open leaves only close
  int rc = mdb_env_create(&env_);
  if (rc != MDB_SUCCESS) {
    env_ = nullptr;
    return rc;
  }
  if ((rc = mdb_env_set_mapsize(env_, map_size)) == MDB_SUCCESS &&
      (rc = mdb_env_set_maxreaders(env_, config.max_readers)) == MDB_SUCCESS &&
      (rc = mdb_env_set_maxdbs(env_, config.max_dbs)) == MDB_SUCCESS) {
    rc = mdb_env_open(env_, config.directory.c_str(), config.flags, 0644);
  }
  if (rc != MDB_SUCCESS) mdb_env_close(std::exchange(env_, nullptr));
  return rc;
}

Env::~Env() {
  mdb_env_close(env_);
}

Txn::Txn(MDB_env* env, unsigned flags) {
  check(mdb_txn_begin(env, nullptr, flags, &txn_), "mdb_txn_begin");
}

void Txn::commit() {
  int rc = mdb_txn_commit(std::exchange(txn_, nullptr));  // the handle is freed even when commit fails
  check(rc, "mdb_txn_commit");
}

Cursor::Cursor(MDB_txn* txn, MDB_dbi dbi) {
  check(mdb_cursor_open(txn, dbi, &cursor_), "mdb_cursor_open");
}

bool Cursor::move(MDB_val& key, MDB_val& value, MDB_cursor_op op) {
  int rc = mdb_cursor_get(cursor_, &key, &value, op);
  if (rc == MDB_NOTFOUND) return false;
  check(rc, "mdb_cursor_get");
  return true;
}

ReadTxnPool::~ReadTxnPool() {
  for (MDB_txn* txn : idle_) mdb_txn_abort(txn);
}

ReadTxnPool::Lease ReadTxnPool::acquire() {
  MDB_txn* txn = nullptr;
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      txn = idle_.back();
      idle_.pop_back();
    }
  }
  if (txn) {
    int rc = mdb_txn_renew(txn);
    if (rc == MDB_SUCCESS) return Lease(this, txn);
    mdb_txn_abort(txn);
  }
  check(mdb_txn_begin(env_, nullptr, MDB_RDONLY, &txn), "mdb_txn_begin (read)");
  return Lease(this, txn);
}

void ReadTxnPool::release(MDB_txn* txn) {
  mdb_txn_reset(txn);
  {
    std::lock_guard lock(mutex_);
    if (idle_.size() < max_idle_) {
      idle_.push_back(txn);
      return;
    }
  }
  mdb_txn_abort(txn);
}

}  // namespace pleb::store::lmdb
