#include "store/postgres/connection_pool.hpp"

#include <poll.h>

#include <stdexcept>

namespace pleb::store::pg {
namespace {

bool idle_and_quiet(const pqxx::connection& connection) {
  pollfd fd{connection.sock(), POLLIN, 0};
  return fd.fd >= 0 && ::poll(&fd, 1, 0) == 0;
}

}  // namespace

ConnectionPool::ConnectionPool(Settings settings) : settings_(std::move(settings)) {
  if (settings_.size == 0) settings_.size = 1;
  connections_.resize(settings_.size);
  busy_.assign(settings_.size, false);
}

std::unique_ptr<pqxx::connection> ConnectionPool::connect() {
  auto connection = std::make_unique<pqxx::connection>(settings_.url);
  // Every statement we build relies on these. set_variable (rather than SET) because libpqxx restores
  // such variables itself should it ever reopen the connection behind our back.
  connection->set_variable("standard_conforming_strings", "on");
  connection->set_variable("client_encoding", "'UTF8'");
  connection->set_variable("application_name", "'pleb-event-store'");
  connection->set_variable("statement_timeout", std::to_string(settings_.statement_timeout.count()));
  return connection;
}

ConnectionPool::Lease ConnectionPool::acquire() {
  std::unique_lock lock(mutex_);
  auto deadline = std::chrono::steady_clock::now() + settings_.acquire_timeout;
  for (;;) {
    for (std::size_t slot = 0; slot < busy_.size(); ++slot) {
      if (!busy_[slot]) {
        busy_[slot] = true;
        return Lease(*this, slot);
      }
    }
    if (freed_.wait_until(lock, deadline) == std::cv_status::timeout) {
      throw std::runtime_error("no database connection became free in time");
    }
  }
}

void ConnectionPool::release(std::size_t slot) {
  {
    std::lock_guard lock(mutex_);
    busy_[slot] = false;
  }
  freed_.notify_one();
}

ConnectionPool::Lease::~Lease() {
  if (pool_) pool_->release(slot_);
}

pqxx::connection& ConnectionPool::Lease::connection() {
  // The slot is ours alone while leased: no lock is needed to touch it.
  auto& connection = pool_->connections_[slot_];
  if (!checked_) {
    checked_ = true;
    // An idle connection has nothing to read unless the server closed it (a shutdown sends a
    // termination message, then end of file). Such a connection is replaced before use: a statement
    // failing on it would only cost a round of retries (and libpqxx 6.4 leaks that statement's result).
    if (connection && !idle_and_quiet(*connection)) discard();
    reused_ = connection != nullptr;
  }
  if (!connection) connection = pool_->connect();
  return *connection;
}

bool ConnectionPool::Lease::broken() {
  auto& connection = pool_->connections_[slot_];
  return connection && !connection->is_open();
}

void ConnectionPool::Lease::discard() {
  auto& connection = pool_->connections_[slot_];
  if (!connection) return;
  try {
    connection->disconnect();
  } catch (...) {
    // Closing a broken connection can only fail in ways that no longer matter.
  }
  connection.reset();
}

}  // namespace pleb::store::pg
