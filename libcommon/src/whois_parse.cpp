#include "spamflow/whois_parse.hpp"

namespace spamflow {

Result<WhoisNetwork> parse_whois_network(std::string_view, const IpAddress &) {
  return make_error("not yet");
}
std::string whois_referral(std::string_view) {
  return "";
}

} // namespace spamflow
