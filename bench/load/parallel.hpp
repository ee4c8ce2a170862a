#pragma once
// Splits [0, n) into one contiguous range per thread; signing a million events is the only heavy
// CPU work the benchmark does before timing starts.
#include <algorithm>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace pleb::load {

template <typename Fn>  // Fn(std::size_t begin, std::size_t end)
void parallel_ranges(std::size_t n, unsigned threads, Fn fn) {
  threads = std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(std::max<std::size_t>(n, 1))));
  if (threads == 1) {
    fn(std::size_t{0}, n);
    return;
  }
  std::vector<std::thread> workers;
  std::vector<std::exception_ptr> errors(threads);
  for (unsigned t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      try {
        fn(n * t / threads, n * (t + 1) / threads);
      } catch (...) {
        errors[t] = std::current_exception();
      }
    });
  }
  for (auto& worker : workers) worker.join();
  for (auto& error : errors) {
    if (error) std::rethrow_exception(error);
  }
}

}  // namespace pleb::load
