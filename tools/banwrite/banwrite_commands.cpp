// The manual commands (ban, unban, list, expire) and what all commands share.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <map>
#include <optional>

#include "ban/backend_names.hpp"
#include "banwrite_run.hpp"
#include "base/diagnostics.hpp"
#include "base/log_time.hpp"

namespace spamflow::banwrite {

namespace {

std::string utc_text(std::int64_t epoch) {
  std::string out;
  append_rfc3339(out, LogTime{epoch, -1, 0});
  return out;
}

// The store with the active bans loaded into a policy, for the commands.
struct Loaded {
  BanStore store;
  BanPolicy policy;
};

// Says why on stderr when the database cannot be opened or read.
std::optional<Loaded> load(const Options &o) {
  auto store = BanStore::open(o.db, o.store);
  if (!store) {
    std::fprintf(stderr, "banwrite: %s\n", store.error().c_str());
    return std::nullopt;
  }
  Loaded l{std::move(*store), BanPolicy(o.policy)};
  if (auto ok = l.store.restore_into(l.policy); !ok) {
    std::fprintf(stderr, "banwrite: %s\n", ok.error().c_str());
    return std::nullopt;
  }
  return l;
}

// Resyncs every configured backend from the policy's active bans.
int apply_all(const Options &o, const BanPolicy &policy, std::int64_t now) {
  BackendSet backends = make_backends(o);
  std::vector<BanEvent> none;
  int failed = backends.apply(none, active_entries(policy), now);
  return failed == 0 ? kExOk : kExUnavailable;
}

// Stores, announces and applies the events of one command.
int finish(const Options &o, Loaded &l, const std::vector<BanEvent> &events, std::int64_t now) {
  for (const BanEvent &e : events)
    if (auto ok = l.store.add_ban_event(e, now); !ok) {
      std::fprintf(stderr, "banwrite: %s: %s\n", o.db.c_str(), ok.error().c_str());
      return kExIoErr;
    }
  if (auto c = l.store.commit(); !c) {
    std::fprintf(stderr, "banwrite: %s: %s\n", o.db.c_str(), c.error().c_str());
    return kExIoErr;
  }
  std::string text;
  for (const BanEvent &e : events) {
    append_ban_event_json(text, e);
    text += '\n';
  }
  std::fputs(text.c_str(), stdout);
  std::fflush(stdout);
  if (events.empty()) return kExOk;
  return apply_all(o, l.policy, now);
}

Result<IpNetwork> target_of(const Options &o) {
  auto net = IpNetwork::parse(o.target, true);
  if (!net) return make_error("'" + o.target + "': " + net.error());
  return *net;
}

} // namespace

BackendSet make_backends(const Options &o) {
  std::vector<std::unique_ptr<BanBackend>> out;
  bool list = !o.list_file.empty();
  for (const std::string &name : o.apply) {
    if (name == "nft") out.push_back(make_nft_backend(o.nft_table, o.nft_set));
    if (name == "ipset") out.push_back(make_ipset_backend(o.ipset_name));
    if (name == "access") out.push_back(make_access_backend(o.access_file, o.access_value));
    if (name == "rbldnsd") out.push_back(make_rbldnsd_backend(o.rbldnsd_file));
    if (name == "list") list = true;
  }
  if (list) out.push_back(std::make_unique<CidrListBackend>(o.list_file));
  auto report = [](std::string_view backend, const std::string &message) {
    std::fprintf(stderr, "banwrite: %.*s: %s\n", static_cast<int>(backend.size()), backend.data(),
                 message.c_str());
  };
  auto print_plan = [](std::string_view, const std::string &text) {
    std::fputs(text.c_str(), stderr);
  };
  return BackendSet(std::move(out), o.dry_run, report, print_plan);
}

std::vector<BanEntry> active_entries(const BanPolicy &policy) {
  std::vector<BanEntry> out;
  for (const auto &[net, ban] : policy.active())
    for (const IpNetwork &piece : ban.pieces)
      out.push_back({piece, ban.network, ban.until});
  std::sort(out.begin(), out.end(),
            [](const BanEntry &a, const BanEntry &b) { return a.target < b.target; });
  return out;
}

Result<bool> finish_options(Options &o) {
  for (const std::string &name : o.apply)
    if (name != "nft" && name != "ipset" && name != "access" && name != "rbldnsd" && name != "list")
      return make_error("--apply '" + name + "': not one of nft, ipset, access, rbldnsd, list");
  // Names and values go verbatim into nft's and ipset's input and the
  // access map: nothing in them may add commands or lines.
  for (auto check :
       {check_nft_name("--nft-table", o.nft_table), check_nft_name("--nft-set", o.nft_set),
        check_ipset_name("--ipset-name", o.ipset_name),
        check_line_value("--access-value", o.access_value)})
    if (!check) return check;
  bool wants_list = std::find(o.apply.begin(), o.apply.end(), "list") != o.apply.end();
  if (wants_list && o.list_file.empty()) return make_error("--apply list needs --list-file");
  o.policy.allow.clear();
  if (o.allow.empty()) o.policy.allow = default_allowlist();
  for (const std::string &a : o.allow) {
    if (a.empty()) continue;
    auto net = IpNetwork::parse(a, true);
    if (!net) return make_error("--allow '" + a + "': " + net.error());
    o.policy.allow.push_back(*net);
  }
  auto window = parse_duration(o.window);
  auto ban = parse_duration(o.ban_time);
  auto max_ban = parse_duration(o.max_ban_time);
  for (auto *r : {&window, &ban, &max_ban})
    if (!*r) return make_error(r->error());
  o.policy.window_s = *window;
  o.policy.ban_s = *ban;
  o.policy.max_ban_s = *max_ban;
  return true;
}

int run_ban(const Options &o) {
  auto net = target_of(o);
  auto duration = parse_duration(o.for_time);
  if (!net || !duration) {
    std::fprintf(stderr, "banwrite: %s\n", (!net ? net.error() : duration.error()).c_str());
    return kExUsage;
  }
  auto l = load(o);
  if (!l) return kExCantCreat;
  std::int64_t now = std::time(nullptr);
  std::vector<BanEvent> events;
  l->policy.add_ban(*net, now, *duration, o.reason, true, events);
  if (events.empty() || events.back().action != BanEvent::Action::kAdd) {
    std::fprintf(stderr, "banwrite: %s lies entirely inside the allowlist; not banned\n",
                 net->to_string().c_str());
    finish(o, *l, events, now);
    return kExDataErr;
  }
  return finish(o, *l, events, now);
}

int run_unban(const Options &o) {
  auto net = target_of(o);
  if (!net) {
    std::fprintf(stderr, "banwrite: %s\n", net.error().c_str());
    return kExUsage;
  }
  auto l = load(o);
  if (!l) return kExCantCreat;
  std::int64_t now = std::time(nullptr);
  std::vector<BanEvent> events;
  if (!l->policy.remove_ban(*net, now, events)) {
    std::fprintf(stderr, "banwrite: %s is not banned\n", net->to_string().c_str());
    return kExDataErr;
  }
  return finish(o, *l, events, now);
}

int run_expire(const Options &o) {
  auto l = load(o);
  if (!l) return kExCantCreat;
  std::int64_t now = std::time(nullptr);
  std::vector<BanEvent> events;
  l->policy.expire(now, events);
  return finish(o, *l, events, now);
}

int run_restore(const Options &o) {
  auto l = load(o);
  if (!l) return kExCantCreat;
  return apply_all(o, l->policy, std::time(nullptr));
}

int run_list(const Options &o) {
  auto l = load(o);
  if (!l) return kExCantCreat;
  auto bans = l->store.active_bans();
  if (!bans) {
    std::fprintf(stderr, "banwrite: %s\n", bans.error().c_str());
    return kExIoErr;
  }
  std::string text;
  for (const StoredBan &b : *bans) {
    if (o.json) {
      BanEvent e{BanEvent::Action::kAdd,
                 b.target,
                 b.network,
                 b.reason,
                 b.start,
                 b.until,
                 b.hits,
                 b.offence,
                 b.manual};
      append_ban_event_json(text, e);
      text += '\n';
    } else {
      text += b.target.to_string() + '\t' + utc_text(b.until) + '\t' + std::to_string(b.offence) +
              '\t' + b.reason + '\n';
    }
  }
  // A list nobody received is a failure (a full disk, a closed pipe).
  if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0) {
    std::fprintf(stderr, "banwrite: list: standard output: %s\n", std::strerror(errno));
    return kExIoErr;
  }
  return kExOk;
}

} // namespace spamflow::banwrite
