#pragma once
// A database of its own for one test, on the server named by DATABASE_URL (tests/servers/run-with
// --postgres starts one): created with a random name, dropped with everything in it afterwards.
#include <pqxx/pqxx>

#include <cstdlib>
#include <random>
#include <stdexcept>
#include <string>

namespace pleb::store::testing {

inline std::string server_url() {
  const char* url = std::getenv("DATABASE_URL");
  if (!url || !*url)
    throw std::runtime_error("DATABASE_URL is not set: run under tests/servers/run-with --postgres");
  return url;
}

// The same server with another database name.
inline std::string url_for_database(const std::string& url, const std::string& name) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return url + " dbname=" + name;
  auto path = url.find('/', scheme + 3);
  auto query = url.find('?', scheme + 3);
  std::string out = url.substr(0, std::min(path, query));
  out.append("/").append(name);
  if (query != std::string::npos) out.append(url.substr(query));
  return out;
}

class TestDatabase {
 public:
  TestDatabase() : admin_url_(server_url()) {
    std::random_device random;
    name_ = "pleb_test_" + std::to_string(random()) + std::to_string(random());
    admin("CREATE DATABASE " + name_);
    url_ = url_for_database(admin_url_, name_);
  }
  ~TestDatabase() {
    try {
      admin("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (...) {
      // The server may be down after a fault test that failed; its folder is removed anyway.
    }
  }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }

  // Runs a statement on the test's database, outside the store, and returns its result.
  pqxx::result exec(const std::string& sql) const {
    pqxx::connection connection(url_);
    pqxx::nontransaction txn(connection);
    return txn.exec(sql);
  }
  // Runs a statement on the server's maintenance database.
  pqxx::result admin(const std::string& sql) const {
    pqxx::connection connection(admin_url_);
    pqxx::nontransaction txn(connection);
    return txn.exec(sql);
  }

 private:
  std::string admin_url_;
  std::string name_;
  std::string url_;
};

}  // namespace pleb::store::testing
