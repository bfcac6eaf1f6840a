// ipcheck: answers one IP/CIDR question per input line, for the
// differential test against Python's ipaddress (tests/ip_differential.py).
//
// Input:  op<TAB>arg<TAB>arg...   Output: one line per input line.
//   addr TEXT | net TEXT | netl TEXT    ok STR | err   (net strict, netl not)
//   fmt 4|6 HEX                         STR
//   props ADDR                          LOOPBACK PRIVATE MAPPED|-   (0/1)
//   cmp ADDR ADDR                       -1 | 0 | 1
//   allocs TEXT                         heap allocations made by parsing TEXT as an
//                                       address and as a network (failed network
//                                       parses, which build a message, not counted)
//   contains NET ADDR | overlaps NET NET | subnet_of NET NET | supernet_of NET NET   0|1
//   supernet NET LEN                    ok NET | err
//   subnets NET LEN LIMIT               ok NET... | err
//   summarize ADDR ADDR | collapse NET... | exclude NET HOLE   ok V:HEX/LEN...
// (and subnets' list too: see append_list)
// Arguments other than the parsed TEXT must be valid; if not: "bad-arg".
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include "ip/cidr.hpp"
#include "ip/ip_address.hpp"

using spamflow::IpAddress;
using spamflow::IpNetwork;

namespace {
// Counts operator new calls while `counting` is set: parsing is meant to
// be allocation-free on logjoin's hot path.
std::size_t allocations = 0;
bool counting = false;
} // namespace

void *operator new(std::size_t size) {
  allocations += counting;
  if (void *p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void *p) noexcept {
  std::free(p);
}
void operator delete(void *p, std::size_t) noexcept {
  std::free(p);
}

namespace {

struct BadArg {};

std::vector<std::string_view> split_tabs(std::string_view line) {
  std::vector<std::string_view> fields;
  for (;;) {
    const std::size_t tab = line.find('\t');
    fields.push_back(line.substr(0, tab));
    if (tab == std::string_view::npos) return fields;
    line = line.substr(tab + 1);
  }
}

IpAddress addr_arg(std::string_view text) {
  auto addr = IpAddress::parse(text);
  if (!addr) throw BadArg{};
  return *addr;
}

IpNetwork net_arg(std::string_view text) {
  auto net = IpNetwork::parse(text);
  if (!net) throw BadArg{};
  return *net;
}

int int_arg(std::string_view text) {
  if (text.empty() || text.size() > 9) throw BadArg{};
  int sign = 1, value = 0;
  if (text[0] == '-') sign = -1, text.remove_prefix(1);
  for (char c : text) {
    if (c < '0' || c > '9') throw BadArg{};
    value = value * 10 + (c - '0');
  }
  return sign * value;
}

unsigned __int128 hex_arg(std::string_view text) {
  if (text.empty() || text.size() > 32) throw BadArg{};
  unsigned __int128 value = 0;
  for (char c : text) {
    int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (digit < 0) throw BadArg{};
    value = value << 4 | static_cast<unsigned>(digit);
  }
  return value;
}

// Lists are printed by value, VERSION:HEX/LEN, so that they compare cheaply;
// the text form is checked by the fmt, addr and net operations.
void append_list(std::string &out, const std::vector<IpNetwork> &nets) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += "ok";
  for (const IpNetwork &net : nets) {
    out += net.is_v4() ? " 4:" : " 6:";
    char digits[32];
    int count = 0;
    unsigned __int128 value = net.network_address().value();
    do {
      digits[count++] = kHex[static_cast<unsigned>(value & 0xf)];
      value >>= 4;
    } while (value != 0);
    while (count > 0)
      out += digits[--count];
    out += '/';
    out += std::to_string(net.prefix_len());
  }
}

std::size_t count_parse_allocations(std::string_view text) {
  allocations = 0;
  counting = true;
  if (IpAddress::try_parse(text)) {
    const bool ok = IpAddress::parse(text).ok();
    counting = ok; // a failure here would be a bug of its own; ipcheck addr finds it
  }
  const std::size_t before_network = allocations;
  const bool network_ok = IpNetwork::parse(text, false).ok();
  counting = false;
  return network_ok ? allocations : before_network;
}

void answer_parse(std::string &out, std::string_view op, std::string_view text) {
  if (op == "allocs") {
    out += std::to_string(count_parse_allocations(text));
    return;
  }
  if (op == "addr") {
    auto addr = IpAddress::parse(text);
    if (!addr)
      out += "err";
    else
      out += "ok ", addr->append_to(out);
    return;
  }
  auto net = IpNetwork::parse(text, op == "net");
  if (!net)
    out += "err";
  else
    out += "ok ", net->append_to(out);
}

void answer_address(std::string &out, std::string_view op, const std::vector<std::string_view> &f) {
  if (op == "fmt") {
    const auto value = hex_arg(f.at(2));
    if (f.at(1) == "4")
      IpAddress::v4(static_cast<std::uint32_t>(value)).append_to(out);
    else
      IpAddress::v6(value).append_to(out);
  } else if (op == "props") {
    const IpAddress addr = addr_arg(f.at(1));
    out += addr.is_loopback() ? "1 " : "0 ";
    out += addr.is_private() ? "1 " : "0 ";
    if (auto mapped = addr.ipv4_mapped())
      mapped->append_to(out);
    else
      out += '-';
  } else if (op == "cmp") {
    const auto order = addr_arg(f.at(1)) <=> addr_arg(f.at(2));
    out += order < 0 ? "-1" : order > 0 ? "1" : "0";
  } else {
    throw BadArg{};
  }
}

void answer_network(std::string &out, std::string_view op, const std::vector<std::string_view> &f) {
  auto flag = [&](bool value) { out += value ? '1' : '0'; };
  if (op == "contains") {
    flag(net_arg(f.at(1)).contains(addr_arg(f.at(2))));
  } else if (op == "overlaps") {
    flag(net_arg(f.at(1)).overlaps(net_arg(f.at(2))));
  } else if (op == "subnet_of") {
    flag(net_arg(f.at(1)).subnet_of(net_arg(f.at(2))));
  } else if (op == "supernet_of") {
    flag(net_arg(f.at(1)).supernet_of(net_arg(f.at(2))));
  } else if (op == "supernet") {
    auto super = net_arg(f.at(1)).supernet(int_arg(f.at(2)));
    if (!super)
      out += "err";
    else
      out += "ok ", super->append_to(out);
  } else if (op == "subnets") {
    auto subs =
        net_arg(f.at(1)).subnets(int_arg(f.at(2)), static_cast<std::size_t>(int_arg(f.at(3))));
    if (!subs)
      out += "err";
    else
      append_list(out, *subs);
  } else if (op == "summarize") {
    append_list(out, spamflow::summarize_range(addr_arg(f.at(1)), addr_arg(f.at(2))));
  } else if (op == "collapse") {
    std::vector<IpNetwork> nets;
    for (std::size_t i = 1; i < f.size(); ++i)
      if (!f[i].empty()) nets.push_back(net_arg(f[i]));
    append_list(out, spamflow::collapse_networks(std::move(nets)));
  } else if (op == "exclude") {
    append_list(out, spamflow::exclude_network(net_arg(f.at(1)), net_arg(f.at(2))));
  } else {
    answer_address(out, op, f);
  }
}

void answer(std::string &out, std::string_view line) {
  const std::vector<std::string_view> fields = split_tabs(line);
  const std::string_view op = fields[0];
  try {
    if (op == "addr" || op == "net" || op == "netl" || op == "allocs")
      answer_parse(out, op, fields.at(1));
    else
      answer_network(out, op, fields);
  } catch (const BadArg &) {
    out += "bad-arg";
  } catch (const std::out_of_range &) {
    out += "bad-arg";
  }
  out += '\n';
}

} // namespace

int main() {
  std::ios::sync_with_stdio(false);
  std::string line, out;
  while (std::getline(std::cin, line)) {
    answer(out, line);
    if (out.size() > (1 << 16)) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}
