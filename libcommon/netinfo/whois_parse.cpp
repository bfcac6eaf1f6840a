#include "netinfo/whois_parse.hpp"

#include <algorithm>
#include <cctype>

#include "base/text_scan.hpp"

namespace spamflow {

namespace {

constexpr std::size_t kMaxValue = 200; // longer values are cut

// Printable ASCII/UTF-8 only, bounded: whois text ends up in JSON and logs.
std::string clean_value(std::string_view v) {
  std::string out;
  for (char c : trim(v).substr(0, kMaxValue))
    out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
  return out;
}

// LACNIC abbreviates IPv4 networks: "200.57.128/19" is 200.57.128.0/19.
std::string pad_ipv4(std::string_view net) {
  std::size_t slash = net.find('/');
  std::string addr(net.substr(0, slash));
  if (addr.find(':') == std::string::npos)
    while (std::count(addr.begin(), addr.end(), '.') < 3 && !addr.empty())
      addr += ".0";
  return addr + std::string(slash == std::string_view::npos ? "" : net.substr(slash));
}

struct Candidate {
  WhoisNetwork net;
  bool has_range = false;
};

// "a - b" or "net/len" into first/last (and CIDRs).
bool parse_span(std::string_view value, Candidate &c) {
  std::size_t dash = value.find(" - ");
  if (dash != std::string_view::npos) {
    auto first = IpAddress::parse(trim(value.substr(0, dash)));
    auto last = IpAddress::parse(trim(value.substr(dash + 3)));
    if (!first || !last || first->is_v4() != last->is_v4() || *last < *first) return false;
    c.net.first = *first;
    c.net.last = *last;
    c.has_range = true;
    return true;
  }
  auto net = IpNetwork::parse(pad_ipv4(trim(value)), false);
  if (!net) return false;
  c.net.first = net->network_address();
  c.net.last = net->broadcast_address();
  c.net.cidrs = {*net};
  c.has_range = true;
  return true;
}

void add_cidrs(std::string_view value, Candidate &c) {
  std::vector<IpNetwork> cidrs;
  while (!value.empty()) {
    std::size_t comma = value.find(',');
    auto net = IpNetwork::parse(pad_ipv4(trim(value.substr(0, comma))), false);
    if (net && cidrs.size() < 64) cidrs.push_back(*net);
    value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
  }
  if (!cidrs.empty()) c.net.cidrs = std::move(cidrs);
}

void take_field(std::string_view key, std::string_view value, Candidate &c) {
  if (iequals(key, "inetnum") || iequals(key, "inet6num") || iequals(key, "NetRange")) {
    if (!c.has_range) parse_span(value, c);
  } else if (iequals(key, "CIDR")) {
    add_cidrs(value, c);
  } else if ((iequals(key, "netname") || iequals(key, "NetName")) && c.net.netname.empty()) {
    c.net.netname = clean_value(value);
  } else if (iequals(key, "country") && c.net.country.empty()) {
    std::string cc = clean_value(value);
    if (cc.size() == 2) c.net.country = cc;
  } else if ((iequals(key, "descr") || iequals(key, "OrgName") || iequals(key, "owner")) &&
             c.net.descr.empty()) {
    c.net.descr = clean_value(value);
  } else if ((iequals(key, "org") || iequals(key, "OrgId") || iequals(key, "ownerid")) &&
             c.net.org.empty()) {
    c.net.org = clean_value(value);
  }
}

std::uint64_t span_size_key(const WhoisNetwork &n) {
  unsigned __int128 size = n.last.value() - n.first.value();
  return size >> 64 ? ~std::uint64_t(0) : std::uint64_t(size);
}

} // namespace

Result<WhoisNetwork> parse_whois_network(std::string_view text, const IpAddress &addr) {
  std::vector<Candidate> found;
  Candidate cur;
  bool in_object = false;
  auto close = [&] {
    found.push_back(std::move(cur)); // objects without a range may hold OrgName
    cur = Candidate{};
    in_object = false;
  };
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, std::min<std::size_t>(nl, 1024));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (trim(line).empty()) {
      if (in_object) close();
      continue;
    }
    if (line.front() == '%' || line.front() == '#') continue;
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon > 40) continue;
    in_object = true;
    take_field(trim(line.substr(0, colon)), line.substr(colon + 1), cur);
  }
  close();
  std::size_t best = found.size();
  for (std::size_t i = 0; i < found.size(); ++i) {
    const Candidate &c = found[i];
    if (!c.has_range || c.net.first.is_v4() != addr.is_v4() || addr < c.net.first ||
        c.net.last < addr)
      continue;
    if (best == found.size() || span_size_key(c.net) <= span_size_key(found[best].net)) best = i;
  }
  if (best == found.size())
    return make_error("no network for " + addr.to_string() + " in the answer");
  WhoisNetwork net = found[best].net;
  // ARIN puts OrgName/OrgId/Country in the object after the network's.
  for (std::size_t i = best + 1; i < found.size() && !found[i].has_range; ++i) {
    const WhoisNetwork &extra = found[i].net;
    if (net.country.empty()) net.country = extra.country;
    if (net.descr.empty()) net.descr = extra.descr;
    if (net.org.empty()) net.org = extra.org;
  }
  if (net.cidrs.empty()) net.cidrs = summarize_range(net.first, net.last);
  return net;
}

std::string whois_referral(std::string_view text) {
  std::string transferred;
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, std::min<std::size_t>(nl, 1024));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view key = trim(line.substr(0, colon));
    std::string_view value = trim(line.substr(colon + 1));
    if (iequals(key, "refer") || iequals(key, "whois") || iequals(key, "ReferralServer")) {
      if (value.rfind("rwhois://", 0) == 0)
        continue; // RWhois is another protocol; keep this answer
      if (value.rfind("whois://", 0) == 0) value.remove_prefix(8);
      while (!value.empty() && value.back() == '/')
        value.remove_suffix(1);
      std::string host = clean_value(value);
      bool sane =
          !host.empty() && host.size() < 100 && std::all_of(host.begin(), host.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':';
          });
      if (sane) return host;
    } else if (iequals(key, "NetType") && value.find("Transferred to ") != std::string_view::npos) {
      std::string_view to = value.substr(value.find("Transferred to ") + 15);
      if (to.rfind("APNIC", 0) == 0)
        transferred = "whois.apnic.net";
      else if (to.rfind("RIPE", 0) == 0)
        transferred = "whois.ripe.net";
      else if (to.rfind("AfriNIC", 0) == 0 || to.rfind("AFRINIC", 0) == 0)
        transferred = "whois.afrinic.net";
      else if (to.rfind("LACNIC", 0) == 0)
        transferred = "whois.lacnic.net";
    }
  }
  return transferred;
}

} // namespace spamflow
