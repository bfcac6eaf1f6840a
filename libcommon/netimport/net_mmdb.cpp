// MMDB import: walks the MaxMind DB search tree with libmaxminddb and adds
// every network that has data as a route (country, AS number and name).
#include <cstring>
#include <unordered_map>

#include "netimport/net_import.hpp"

#ifdef SPAMFLOW_HAVE_MAXMINDDB
#include <maxminddb.h>
#endif

namespace spamflow {

#ifdef SPAMFLOW_HAVE_MAXMINDDB

namespace {

struct Payload {
  std::uint32_t asn = 0;
  std::string as_name;
  char cc[2] = {0, 0};
};

class MmdbWalker {
public:
  MmdbWalker(MMDB_s &db, NetTableBuilder &b) : db_(db), b_(b) {}

  Result<std::uint64_t> run() {
    bits_ = db_.metadata.ip_version == 6 ? 128 : 32;
    Result<bool> ok = walk(0, 0, 0);
    if (!ok) return make_error(ok.error());
    return count_;
  }

private:
  Result<bool> walk(std::uint32_t node, uint128 prefix, unsigned depth) {
    MMDB_search_node_s n;
    if (MMDB_read_node(&db_, node, &n) != MMDB_SUCCESS)
      return make_error("unreadable search tree node " + std::to_string(node));
    for (int side = 0; side < 2; ++side) {
      uint128 p = side ? prefix | (uint128(1) << (bits_ - 1 - depth)) : prefix;
      unsigned len = depth + 1;
      if (bits_ == 128 && skip_alias(p, len)) continue;
      std::uint8_t type = side ? n.right_record_type : n.left_record_type;
      if (type == MMDB_RECORD_TYPE_SEARCH_NODE) {
        if (len >= bits_) return make_error("search tree deeper than the address");
        Result<bool> ok = walk(std::uint32_t(side ? n.right_record : n.left_record), p, len);
        if (!ok) return ok;
      } else if (type == MMDB_RECORD_TYPE_DATA) {
        emit(p, len, side ? n.right_record_entry : n.left_record_entry);
      } else if (type == MMDB_RECORD_TYPE_INVALID) {
        return make_error("invalid search tree record");
      }
    }
    return true;
  }

  // IPv4 sits at ::/96 of an IPv6 database; ::ffff:0:0/96, 2001::/32
  // (Teredo) and 2002::/16 (6to4) may be aliases of it and would repeat it.
  static bool skip_alias(uint128 p, unsigned len) {
    if ((len == 16 && (p >> 112) == 0x2002) || (len == 32 && (p >> 96) == 0x20010000)) return true;
    return len == 96 && (p >> 32) == 0xffff;
  }

  void emit(uint128 net, unsigned len, MMDB_entry_s entry) {
    const Payload &data = payload(entry);
    RouteEntry r;
    r.kind = netfile::FactKind::kMmdb;
    r.asn = data.asn;
    r.as_name = data.as_name;
    r.cc[0] = data.cc[0];
    r.cc[1] = data.cc[1];
    if (bits_ == 128 && len >= 96 && (net >> 32) == 0) { // ::a.b.c.d is IPv4
      r.v6 = false;
      r.net = net;
      r.len = std::uint8_t(len - 96);
    } else {
      r.v6 = bits_ == 128;
      r.net = net;
      r.len = std::uint8_t(len);
    }
    b_.add_route(r);
    ++count_;
  }

  const Payload &payload(MMDB_entry_s entry) {
    auto it = cache_.find(entry.offset);
    if (it != cache_.end()) return it->second;
    Payload p;
    MMDB_entry_data_s d;
    if (MMDB_get_value(&entry, &d, "autonomous_system_number", nullptr) == MMDB_SUCCESS &&
        d.has_data && d.type == MMDB_DATA_TYPE_UINT32)
      p.asn = d.uint32;
    if (MMDB_get_value(&entry, &d, "autonomous_system_organization", nullptr) == MMDB_SUCCESS &&
        d.has_data && d.type == MMDB_DATA_TYPE_UTF8_STRING)
      p.as_name.assign(d.utf8_string, std::min<std::size_t>(d.data_size, 200));
    for (const char *key : {"country", "registered_country"}) {
      if (MMDB_get_value(&entry, &d, key, "iso_code", nullptr) == MMDB_SUCCESS && d.has_data &&
          d.type == MMDB_DATA_TYPE_UTF8_STRING && d.data_size == 2) {
        p.cc[0] = d.utf8_string[0];
        p.cc[1] = d.utf8_string[1];
        break;
      }
    }
    return cache_.emplace(entry.offset, std::move(p)).first->second;
  }

  MMDB_s &db_;
  NetTableBuilder &b_;
  unsigned bits_ = 128;
  std::uint64_t count_ = 0;
  std::unordered_map<std::uint32_t, Payload> cache_;
};

} // namespace

Result<std::uint64_t> import_mmdb(const std::string &path, NetTableBuilder &builder,
                                  Diagnostics &) {
  MMDB_s db;
  int status = MMDB_open(path.c_str(), MMDB_MODE_MMAP, &db);
  if (status != MMDB_SUCCESS) return make_error(path + ": " + MMDB_strerror(status));
  MmdbWalker walker(db, builder);
  Result<std::uint64_t> n = walker.run();
  MMDB_close(&db);
  if (!n) return make_error(path + ": " + n.error());
  return n;
}

#else

Result<std::uint64_t> import_mmdb(const std::string &path, NetTableBuilder &, Diagnostics &) {
  return make_error(path + ": MMDB import is not available: netlookup was built without "
                           "libmaxminddb (install libmaxminddb-dev and rebuild)");
}

#endif

} // namespace spamflow
