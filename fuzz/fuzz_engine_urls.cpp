// Fuzzes the URLs of the engines an operator configures (DATABASE_URL, REDIS_URL). Every URL is refused
// with an exception that says why, or taken apart; a PostgreSQL URL becomes a keyword string that libpq
// itself must parse, so no URL can inject a connection option through quoting.
#include <libpq-fe.h>

#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

#include "cache/redis/redis_url.hpp"
#include "store/service_db/service_db.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  try {
    auto endpoint = pleb::cache::parse_redis_url(input);
    if (endpoint.host.empty()) std::abort();
  } catch (const std::invalid_argument& e) {
    if (std::string_view(e.what()).empty()) std::abort();
  }
  std::string url = "postgresql://" + std::string(input);
  if (!pleb::store::is_postgres_url(url)) std::abort();
  std::string conninfo;
  try {
    conninfo = pleb::store::postgres_conninfo(url);
  } catch (const std::exception& e) {
    if (std::string_view(e.what()).empty()) std::abort();
    return 0;
  }
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (options == nullptr) {
    // Our keyword string holds the URL's parts quoted; libpq refusing it means the quoting failed,
    // unless it refused an option name taken from the query string, which libpq checks.
    bool unknown_option =
        error && std::string_view(error).find("invalid connection option") != std::string_view::npos;
    PQfreemem(error);
    if (!unknown_option) std::abort();
    return 0;
  }
  PQconninfoFree(options);
  return 0;
}
