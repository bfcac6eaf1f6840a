#include "spamflow/whois_client.hpp"

namespace spamflow {

struct WhoisClient::Impl {
  WhoisOptions options;
};

WhoisClient::WhoisClient(WhoisOptions options) : impl_(new Impl{std::move(options)}) {}
WhoisClient::~WhoisClient() {
  delete impl_;
}

Result<WhoisAnswer> WhoisClient::lookup(const IpAddress &) {
  return make_error("not yet");
}
Result<std::string> WhoisClient::query(const std::string &, const std::string &) {
  return make_error("not yet");
}

} // namespace spamflow
