#pragma once
// What the benchmark reads about processes: the server's resident memory and CPU time from /proc, its
// own CPU time, and the descriptor limit it needs for thousands of sockets.
#include <cstdint>
#include <optional>

namespace pleb::load {

// VmRSS of a process in bytes, from /proc/<pid>/status; nullopt when it cannot be read.
std::optional<std::uint64_t> resident_bytes(int pid);
// User + system CPU seconds a process has used so far (/proc/<pid>/stat); nullopt when unreadable.
std::optional<double> cpu_seconds(int pid);
// This process's user + system CPU seconds.
double own_cpu_seconds();
// Raises the soft RLIMIT_NOFILE to the hard limit; returns the soft limit now in force.
std::uint64_t raise_open_file_limit();
// Cores this process may run on (its affinity mask, so `taskset -c 1` gives 1).
unsigned usable_cores();

}  // namespace pleb::load
