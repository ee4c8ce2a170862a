#pragma once
// A child process whose stdin and stdout are sockets to this process: writing to a child that died
// fails with EPIPE instead of raising SIGPIPE, and both ends can be polled. Its stderr is ours, so
// what a plugin prints there shows in the relay's log.
#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

namespace pleb::processor {

class ChildProcess {
 public:
  // Starts argv[0] (searched in PATH when it has no slash) in a process group of its own, with default
  // signal handling and no other inherited descriptors. Throws std::system_error when it cannot start.
  static std::unique_ptr<ChildProcess> spawn(const std::vector<std::string>& argv);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  int input() const { return input_; }    // non-blocking; what is written arrives on the child's stdin
  int output() const { return output_; }  // non-blocking; the child's stdout
  pid_t pid() const { return pid_; }
  // Kills the child's process group and reaps it: "exited with status 3", "killed by signal 9".
  std::string end();

 private:
  ChildProcess(pid_t pid, int input, int output) : pid_(pid), input_(input), output_(output) {}
  pid_t pid_;
  int input_;
  int output_;
  bool ended_ = false;
};

}  // namespace pleb::processor
