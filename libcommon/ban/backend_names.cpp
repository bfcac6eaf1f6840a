// Checks of backend names and values (see backend_names.hpp).
#include "ban/backend_names.hpp"

#include <string>

namespace spamflow {

namespace {

bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

Result<bool> bad(std::string_view option, std::string_view value, std::string_view rule) {
  std::string shown;
  for (char c : value.substr(0, 64))
    shown += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c;
  return make_error(std::string(option) + " '" + shown + "': " + std::string(rule));
}

} // namespace

Result<bool> check_nft_name(std::string_view option, std::string_view name) {
  bool ok = !name.empty() && name.size() <= 48 && is_letter(name[0]);
  for (char c : name)
    ok = ok && (is_letter(c) || is_digit(c) || c == '_');
  if (!ok) return bad(option, name, "a letter, then letters, digits or '_' (at most 48)");
  return true;
}

Result<bool> check_ipset_name(std::string_view option, std::string_view name) {
  bool ok = !name.empty() && name.size() <= 28 && name[0] != '-';
  for (char c : name)
    ok = ok && (is_letter(c) || is_digit(c) || c == '_' || c == '.' || c == '-');
  if (!ok) return bad(option, name, "letters, digits, '_', '.' or '-', not first (at most 28)");
  return true;
}

Result<bool> check_line_value(std::string_view option, std::string_view value) {
  bool ok = !value.empty() && value.size() <= 1024;
  for (char c : value)
    ok = ok && static_cast<unsigned char>(c) >= 0x20 && c != 0x7f;
  if (!ok) return bad(option, value, "1 to 1024 bytes on one line, no control characters");
  return true;
}

} // namespace spamflow
