#pragma once
// A fixed number of PostgreSQL connections handed out one caller at a time. Connections are opened
// lazily and reopened after they break, so the pool heals by itself when the server comes back; it
// never holds more than `size` connections, whatever the number of callers (they wait their turn).
#include <pqxx/pqxx>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace pleb::store::pg {

class ConnectionPool {
 public:
  struct Settings {
    std::string url;
    std::size_t size = 1;
    std::chrono::milliseconds acquire_timeout{10000};
    std::chrono::milliseconds statement_timeout{30000};
  };

  explicit ConnectionPool(Settings settings);

  class Lease {
   public:
    Lease(ConnectionPool& pool, std::size_t slot) : pool_(&pool), slot_(slot) {}
    Lease(Lease&& other) noexcept : pool_(other.pool_), slot_(other.slot_) { other.pool_ = nullptr; }
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    // Opens the connection if the slot has none (throws pqxx::broken_connection when that fails).
    pqxx::connection& connection();
    // True when the connection existed before this lease: it may have broken while idle.
    bool reused() const { return reused_; }
    // The connection failed: it is closed and the slot will open a new one.
    void discard();
    // The connection is open no more (the server went away during the last statement).
    bool broken();

   private:
    ConnectionPool* pool_;
    std::size_t slot_;
    bool reused_ = false;
    bool checked_ = false;
  };

  // Waits for a free slot; throws std::runtime_error after acquire_timeout.
  Lease acquire();

  // Runs fn(pqxx::connection&). When the connection turns out to be broken and had been idle in the
  // pool, runs fn again on another one: the server may have restarted meanwhile, leaving every idle
  // connection stale. A fresh connection that fails ends it. `fn` must be safe to run again after a
  // broken_connection (nothing it did was committed).
  template <typename Fn>
  auto with_connection(Fn&& fn) -> decltype(fn(std::declval<pqxx::connection&>())) {
    for (std::size_t attempt = 0;; ++attempt) {
      Lease lease = acquire();
      try {
        return fn(lease.connection());
      } catch (const pqxx::broken_connection&) {
        bool retry = lease.reused() && attempt < settings_.size;
        lease.discard();
        if (!retry) throw;
      } catch (const pqxx::in_doubt_error&) {
        lease.discard();
        throw;
      } catch (...) {
        if (lease.broken()) lease.discard();
        throw;
      }
    }
  }

  std::size_t size() const { return settings_.size; }

 private:
  friend class Lease;
  std::unique_ptr<pqxx::connection> connect();
  void release(std::size_t slot);

  Settings settings_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<pqxx::connection>> connections_;
  std::vector<bool> busy_;
};

}  // namespace pleb::store::pg
