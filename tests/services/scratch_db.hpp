#pragma once
// A fresh service database for one test: a SQLite file in a temporary folder, or a new database on
// the PostgreSQL server of DATABASE_URL (tests/servers/run-with --postgres), dropped afterwards.
#include <gtest/gtest.h>
#include <soci/postgresql/soci-postgresql.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>

#include "store/service_db/service_db.hpp"

namespace pleb::testing {

enum class Backend { kSqlite, kPostgres };

inline std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
}

class ScratchDb {
 public:
  explicit ScratchDb(Backend backend) {
    if (backend == Backend::kSqlite) {
      std::string pattern = (std::filesystem::temp_directory_path() / "pleb-services-XXXXXX").string();
      if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
      dir_ = pattern;
      location_ = (dir_ / "data" / "services.db").string();
      return;
    }
    const char* url = std::getenv("DATABASE_URL");
    if (url == nullptr) return;  // available() is false: the test skips
    server_url_ = url;
    std::random_device random;
    name_ = "pleb_test_" + std::to_string(random()) + "_" + std::to_string(random());
    soci::session admin(*soci::factory_postgresql(), store::postgres_conninfo(server_url_));
    admin << "CREATE DATABASE " + name_;
    location_ = server_url_.substr(0, server_url_.rfind('/') + 1) + name_;
  }
  ~ScratchDb() {
    try {
      if (!name_.empty()) {
        soci::session admin(*soci::factory_postgresql(), store::postgres_conninfo(server_url_));
        admin << "DROP DATABASE " + name_ + " WITH (FORCE)";
      }
      if (!dir_.empty()) std::filesystem::remove_all(dir_);
    } catch (...) {
    }
  }
  ScratchDb(const ScratchDb&) = delete;
  ScratchDb& operator=(const ScratchDb&) = delete;

  bool available() const { return !location_.empty(); }
  const std::string& location() const { return location_; }
  const std::string& database_name() const { return name_; }  // PostgreSQL only
  const std::string& server_url() const { return server_url_; }
  std::unique_ptr<store::ServiceDb> open(std::size_t connections = 4) const {
    return store::ServiceDb::open(location_, connections);
  }

 private:
  std::filesystem::path dir_;
  std::string server_url_;
  std::string name_;
  std::string location_;
};

// The fixture of every suite that runs on both databases.
class BothDatabases : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    scratch_ = std::make_unique<ScratchDb>(GetParam());
    if (!scratch_->available())
      GTEST_SKIP() << "DATABASE_URL is not set (run under tests/servers/run-with --postgres)";
  }
  const ScratchDb& scratch() const { return *scratch_; }

 private:
  std::unique_ptr<ScratchDb> scratch_;
};

}  // namespace pleb::testing
