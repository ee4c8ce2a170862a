#include "loopback_url.hpp"

#include <boost/asio/ip/address.hpp>
#include <stdexcept>

namespace pleb::load {

std::string Target::host_header() const {
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + port;
}

Target parse_loopback_url(const std::string& url) {
  constexpr std::string_view kScheme = "ws://";
  if (url.rfind(kScheme, 0) != 0)
    throw std::invalid_argument("--url must start with ws:// (got " + url + ")");
  std::string rest = url.substr(kScheme.size());
  Target target;
  if (auto slash = rest.find('/'); slash != std::string::npos) {
    target.path = rest.substr(slash);
    rest.resize(slash);
  }
  std::string host;
  if (!rest.empty() && rest.front() == '[') {  // [::1]:7777
    auto close = rest.find(']');
    if (close == std::string::npos) throw std::invalid_argument("--url has an unclosed [ in " + url);
    host = rest.substr(1, close - 1);
    rest.erase(0, close + 1);
    if (!rest.empty() && rest.front() == ':') target.port = rest.substr(1);
  } else {
    auto colon = rest.rfind(':');
    host = rest.substr(0, colon);
    if (colon != std::string::npos) target.port = rest.substr(colon + 1);
  }
  if (target.port.empty()) target.port = "80";
  if (target.port.find_first_not_of("0123456789") != std::string::npos || target.port.size() > 5)
    throw std::invalid_argument("--url has an invalid port: " + url);
  if (host == "localhost") host = "127.0.0.1";
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(host, ec);
  // Names are not resolved on purpose: a name could point anywhere, a loopback literal cannot.
  if (ec || !address.is_loopback())
    throw std::invalid_argument("pleb bench only targets this machine (127.0.0.0/8, ::1, localhost), not " +
                                url);
  target.host = address.to_string();
  return target;
}

}  // namespace pleb::load
