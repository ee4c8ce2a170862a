#pragma once
// NIP-05's /.well-known/nostr.json, outside /api/, so a plain HTTP handler the process mounts next to
// the router. Every answer carries Access-Control-Allow-Origin: * as NIP-05 requires.
//   ?name=alice (any case)  200 {"names":{"alice":"<hex>"},"relays":{"<hex>":[...]}}; the key is the
//                           name as the query spelled it, so a client looking it up finds it
//   unknown or invalid name 200 {"names":{}}   (an invalid name is one nobody can hold)
//   no name parameter       400 problem+json   (the directory is not listed as a whole)
//   OPTIONS                 204 (CORS preflight); other methods than GET/HEAD: 405
#include "http/server.hpp"
#include "services/users/user_service.hpp"

namespace pleb::users {

inline constexpr std::string_view kNostrJsonPath = "/.well-known/nostr.json";

http::HttpResponse nostr_json_response(UserService& users, const http::HttpRequest& request);
// The same as an http::HttpHandler; `users` must outlive it.
http::HttpHandler nostr_json_handler(UserService& users);

}  // namespace pleb::users
