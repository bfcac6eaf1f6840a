// A value or a described error. Parsers return this instead of throwing:
// bad log input is normal input, so it must be cheap to reject.
#pragma once
#include <string>
#include <utility>
#include <variant>

namespace spamflow {

struct Error {
  std::string message;
};

template <class T> class Result {
public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T &value() & { return std::get<0>(v_); }
  const T &value() const & { return std::get<0>(v_); }
  T &&value() && { return std::get<0>(std::move(v_)); }
  T &operator*() & { return value(); }
  const T &operator*() const & { return value(); }
  T *operator->() { return &value(); }
  const T *operator->() const { return &value(); }
  const std::string &error() const { return std::get<1>(v_).message; }

private:
  std::variant<T, Error> v_;
};

inline Error make_error(std::string message) {
  return Error{std::move(message)};
}

} // namespace spamflow
