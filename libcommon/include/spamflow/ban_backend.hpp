// Where bans go besides the database: one small writer per mechanism
// (CIDR list file now; nftables, ipset, sendmail access map and rbldnsd zone
// to come), all behind BanBackend so banwrite can feed several at once.
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "spamflow/ban_policy.hpp"
#include "spamflow/result.hpp"

namespace spamflow {

class BanBackend {
public:
  virtual ~BanBackend() = default;
  virtual std::string_view name() const = 0;
  // Called once per commit with the changes since the last call and every
  // target active now (sorted). Incremental writers use `changes`, file
  // writers rewrite from `active`. Must be idempotent: a failed call is
  // retried later with the same or newer state, and `restore` passes no
  // changes and the whole list.
  virtual Result<bool> apply(const std::vector<BanEvent> &changes,
                             const std::vector<IpNetwork> &active) = 0;
};

// One CIDR per line, sorted (IPv4 first), written to a temporary file in the
// same directory and renamed over `path`, so a reader never sees half a list.
class CidrListBackend : public BanBackend {
public:
  explicit CidrListBackend(std::string path) : path_(std::move(path)) {}
  std::string_view name() const override { return "list"; }
  Result<bool> apply(const std::vector<BanEvent> &changes,
                     const std::vector<IpNetwork> &active) override;

private:
  std::string path_;
};

// Writes `content` to path atomically (temp file in the same directory,
// fsync, rename). Shared by the file backends.
Result<bool> write_file_atomically(const std::string &path, std::string_view content);

} // namespace spamflow
