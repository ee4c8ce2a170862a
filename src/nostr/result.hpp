#pragma once
// A value or the reason there is none. The reason is written for people: it becomes
// the text after a NIP-01 prefix on the relay and the message of a command-line error.
#include <optional>
#include <string>
#include <utility>

namespace pleb::nostr {

template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  static Result failure(std::string error) {
    Result r;
    r.error_ = std::move(error);
    return r;
  }

  explicit operator bool() const { return value_.has_value(); }
  bool ok() const { return value_.has_value(); }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }
  const std::string& error() const { return error_; }

 private:
  Result() = default;
  std::optional<T> value_;
  std::string error_;
};

// For operations that produce nothing but may fail.
struct Ok {};
using Status = Result<Ok>;
inline Status ok_status() {
  return Status(Ok{});
}
inline Status failed(std::string error) {
  return Status::failure(std::move(error));
}

}  // namespace pleb::nostr
