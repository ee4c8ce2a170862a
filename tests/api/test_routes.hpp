#pragma once
// Routes that exercise every part of the router, shared by the GoogleTest suite and api_test_server.
#include <atomic>
#include <mutex>
#include <string>

#include "http/api/router.hpp"

namespace pleb::api::testing {

struct TestRouteState {
  std::atomic<int> notes_reads{0};  // how often the cacheable GET's handler ran
  std::mutex mutex;
  std::string notes = "[]";
};

// Under /api/v1/test/: whoami (authenticated), echo (POST, authenticated, bodies up to 1024 bytes),
// notes (GET public cacheable, PUT member), club (member), moderation (moderator), admin (admin),
// items/{id} and items/special (GET public; DELETE admin), boom (throws), conflict (throws ApiError),
// limited (public, for rate-limit tests).
void add_test_routes(Router& router, TestRouteState& state);

}  // namespace pleb::api::testing
