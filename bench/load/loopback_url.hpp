#pragma once
// The relay a benchmark targets. Load is only ever sent to this machine: anything but a loopback address
// is refused before a socket is opened.
#include <string>

namespace pleb::load {

struct Target {
  std::string host;  // numeric loopback address, e.g. 127.0.0.1 or ::1
  std::string port;
  std::string path = "/";
  std::string host_header() const;  // host:port as the Host header wants it
};

// Parses ws://HOST:PORT[/PATH]; HOST must be localhost or a loopback address. Throws std::invalid_argument.
Target parse_loopback_url(const std::string& url);

}  // namespace pleb::load
