#include "netlookup_run.hpp"

#include <chrono>
#include <cstdio>
#include <simdjson.h>
#include <unistd.h>

#include "base/diagnostics.hpp"
#include "base/line_io.hpp"
#include "base/text_scan.hpp"
#include "ip/cidr.hpp"
#include "netinfo/net_answer.hpp"
#include "netinfo/net_table.hpp"
#include "wire/json_splice.hpp"
#include "wire/wire_keys.hpp"

namespace spamflow::netlookup {

namespace {

struct Counters {
  std::uint64_t queries = 0, answered = 0, unknown = 0, errors = 0, records = 0,
                records_without_ip = 0, whois = 0;
};

class Answerer {
public:
  Answerer(const LookupOptions &o, const NetTable *table, Diagnostics &diag)
      : o_(o), table_(table), diag_(diag) {
    if (o.whois) whois_ = std::make_unique<WhoisClient>(o.whois_options);
  }

  // A bare address or CIDR: one answer line.
  void answer_query(std::string_view text, std::string &out) {
    ++c_.queries;
    std::string shown;
    std::optional<IpAddress> addr = parse_query(text, shown);
    if (!addr) {
      ++c_.errors;
      (o_.json ? append_json_error : append_text_error)(out, text, shown);
      return;
    }
    std::optional<NetInfo> info = find(*addr);
    (o_.json ? append_json_answer : append_text_answer)(out, shown, info);
  }

  // A JSON record: adds "net" for client.ip, passes the rest through.
  void answer_record(std::string_view line, std::uint64_t line_no, std::string &out) {
    ++c_.records;
    simdjson::dom::element doc;
    std::string_view ip_text;
    if (parser_.parse(line.data(), line.size(), true).get(doc)) {
      bad_input(line_no, "not a JSON object; passed through");
      out.append(line).push_back('\n');
      return;
    }
    if (doc[wire::record::kClient][wire::client::kIp].get(ip_text)) {
      ++c_.records_without_ip;
      out.append(line).push_back('\n');
      return;
    }
    std::optional<IpAddress> addr = IpAddress::try_parse(ip_text);
    if (!addr) {
      bad_input(line_no, "client.ip is not an address; passed through");
      out.append(line).push_back('\n');
      return;
    }
    std::string net;
    append_net_object(net, find(*addr));
    Result<std::size_t> spliced = splice_json_key_into(out, line, wire::record::kNet, net);
    if (!spliced) {
      bad_input(line_no, spliced.error());
      out.append(line);
    }
    out.push_back('\n');
  }

  void print_stats() const {
    std::fprintf(stderr,
                 "netlookup: queries %llu, answered %llu, unknown %llu, errors %llu, records "
                 "%llu (without client.ip %llu), whois answers %llu\n",
                 (unsigned long long)c_.queries, (unsigned long long)c_.answered,
                 (unsigned long long)c_.unknown, (unsigned long long)c_.errors,
                 (unsigned long long)c_.records, (unsigned long long)c_.records_without_ip,
                 (unsigned long long)c_.whois);
  }
  std::uint64_t errors() const { return c_.errors; }

private:
  // An address, or a CIDR answered for its network address; `shown` gets
  // the normalized text, or the error.
  std::optional<IpAddress> parse_query(std::string_view text, std::string &shown) {
    if (text.find('/') != std::string_view::npos) {
      Result<IpNetwork> net = IpNetwork::parse(text, false);
      if (!net) {
        shown = net.error();
        return std::nullopt;
      }
      shown = net->to_string();
      return net->network_address();
    }
    Result<IpAddress> addr = IpAddress::parse(text);
    if (!addr) {
      shown = addr.error();
      return std::nullopt;
    }
    shown = addr->to_string();
    return *addr;
  }

  std::optional<NetInfo> find(const IpAddress &addr) {
    std::optional<NetInfo> info;
    if (table_) info = table_->lookup(addr);
    if (!info && whois_) info = ask_whois(addr);
    ++(info ? c_.answered : c_.unknown);
    return info;
  }

  std::optional<NetInfo> ask_whois(const IpAddress &addr);

  void bad_input(std::uint64_t line_no, std::string_view what) {
    ++c_.errors;
    diag_.warn("stdin:" + std::to_string(line_no), what);
  }

  const LookupOptions &o_;
  const NetTable *table_;
  Diagnostics &diag_;
  std::unique_ptr<WhoisClient> whois_;
  simdjson::dom::parser parser_;
  Counters c_;
  // Strings of whois answers, kept alive for the NetInfo views into them.
  std::vector<std::unique_ptr<WhoisAnswer>> whois_answers_;
};

std::optional<NetInfo> Answerer::ask_whois(const IpAddress &addr) {
  Result<WhoisAnswer> answer = whois_->lookup(addr);
  if (!answer) {
    diag_.warn("whois " + addr.to_string(), answer.error());
    return std::nullopt;
  }
  ++c_.whois;
  if (whois_answers_.size() > 64) whois_answers_.erase(whois_answers_.begin());
  whois_answers_.push_back(std::make_unique<WhoisAnswer>(std::move(*answer)));
  const WhoisAnswer &a = *whois_answers_.back();
  NetInfo info;
  info.v6 = !addr.is_v4();
  info.range_first = a.network.first.value();
  info.range_last = a.network.last.value();
  for (const IpNetwork &n : a.network.cidrs)
    if (n.contains(addr)) {
      info.cidr_net = n.network_address().value();
      info.cidr_len = std::uint8_t(n.prefix_len());
    }
  info.cc = a.network.country;
  info.as_name = {};
  info.org_id = a.network.org;
  info.source = "whois";
  return info;
}

} // namespace

int run_lookup(const LookupOptions &o) {
  Diagnostics diag("netlookup");
  std::optional<NetTable> table;
  Result<NetTable> opened = NetTable::open(o.table);
  if (opened)
    table.emplace(std::move(*opened));
  else if (!o.whois) {
    diag.error(opened.error());
    return kExNoInput;
  } else {
    diag.warn(o.table, opened.error() + "; answering from whois only");
  }
  Answerer answerer(o, table ? &*table : nullptr, diag);
  OutputBuffer out(STDOUT_FILENO);
  for (const std::string &q : o.queries) {
    answerer.answer_query(q, out.buffer());
    out.maybe_flush();
  }
  if (o.queries.empty()) {
    LineReader in(STDIN_FILENO);
    std::string_view line;
    for (;;) {
      if (!in.ready()) out.flush(); // a live pipe sees each answer before we block
      LineReader::Status st = in.next(line);
      if (st == LineReader::Status::kInterrupted) continue;
      if (st != LineReader::Status::kLine) break;
      const std::string_view text = trim(line, " \t\r");
      if (text.empty() || text.front() == '#') continue;
      if (text.front() == '{')
        answerer.answer_record(line, in.line_number(), out.buffer());
      else
        answerer.answer_query(text, out.buffer());
      out.maybe_flush();
      if (o.strict && answerer.errors() > 0) break;
    }
  }
  out.flush();
  if (o.stats) answerer.print_stats();
  if (!out.ok()) return kExIoErr;
  return answerer.errors() > 0 ? kExDataErr : kExOk;
}

int run_import(const NetImportOptions &options, const std::string &table, bool stats) {
  Diagnostics diag("netlookup");
  auto start = std::chrono::steady_clock::now();
  Result<NetImportStats> result = import_net_table(options, table, diag);
  if (!result) {
    diag.error(result.error());
    return options.strict ? kExDataErr : kExCantCreat;
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (stats)
    std::fprintf(
        stderr,
        "netlookup: imported %llu files, %llu lines, %llu entries, %llu malformed; "
        "table %s: %llu records, %llu facts, %llu IPv4 chunks, %llu IPv6 ranges, "
        "%llu bytes; %.3f s\n",
        (unsigned long long)result->files, (unsigned long long)result->lines,
        (unsigned long long)result->entries, (unsigned long long)result->errors, table.c_str(),
        (unsigned long long)result->table.records, (unsigned long long)result->table.facts,
        (unsigned long long)result->table.v4_chunks, (unsigned long long)result->table.v6_segments,
        (unsigned long long)result->table.file_bytes, secs);
  return kExOk;
}

} // namespace spamflow::netlookup
