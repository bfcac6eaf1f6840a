#include "netimport/net_table_builder.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <ctime>

#include "base/atomic_file.hpp"

namespace spamflow {

using netfile::Block;
using netfile::Fact;
using netfile::FactKind;
using netfile::Record;

namespace {

std::uint64_t hi64(uint128 v) {
  return std::uint64_t(v >> 64);
}
std::uint64_t lo64(uint128 v) {
  return std::uint64_t(v);
}
uint128 join128(std::uint64_t hi, std::uint64_t lo) {
  return (uint128(hi) << 64) | lo;
}
unsigned family_bits(bool v6) {
  return v6 ? 128 : 32;
}
uint128 space_last(bool v6) {
  return v6 ? ~uint128(0) : uint128(0xffffffffu);
}

struct RecordKeyHash {
  std::size_t operator()(const std::array<std::uint32_t, 4> &k) const {
    std::uint64_t a = (std::uint64_t(k[0]) << 32) | k[1];
    std::uint64_t b = (std::uint64_t(k[2]) << 32) | k[3];
    return std::size_t((a * 0x9e3779b97f4a7c15ull) ^ (b + 0x632be59bd9b4e019ull + (a >> 29)));
  }
};

} // namespace

NetTableBuilder::NetTableBuilder() {
  strings_.push_back('\0');
}

std::uint32_t NetTableBuilder::intern(const std::string &text) {
  if (text.empty()) return 0;
  auto it = string_ids_.find(text);
  if (it != string_ids_.end()) return it->second;
  auto offset = std::uint32_t(strings_.size());
  strings_.append(text);
  strings_.push_back('\0');
  string_ids_.emplace(text, offset);
  return offset;
}

std::uint32_t NetTableBuilder::add_block(bool v6, uint128 first, uint128 last, std::uint32_t org_id,
                                         std::uint32_t date, netfile::Rir rir,
                                         netfile::Status status, const char cc[2]) {
  (void)v6;
  Block b{};
  b.first_hi = hi64(first);
  b.first_lo = lo64(first);
  b.last_hi = hi64(last);
  b.last_lo = lo64(last);
  b.org_id = org_id;
  b.date = date;
  b.rir = rir;
  b.status = status;
  b.cc[0] = cc[0];
  b.cc[1] = cc[1];
  blocks_.push_back(b);
  return std::uint32_t(blocks_.size()); // index + 1
}

void NetTableBuilder::add_fact(bool v6, uint128 net, std::uint8_t len, std::uint32_t block,
                               std::uint32_t asn, std::uint32_t as_name, FactKind kind,
                               const char cc[2]) {
  Fact f{};
  f.net_hi = hi64(net);
  f.net_lo = lo64(net);
  f.block = block;
  f.asn = asn;
  f.as_name = as_name;
  f.prefix_len = len;
  f.is_v6 = v6 ? 1 : 0;
  f.kind = kind;
  f.cc[0] = cc[0];
  f.cc[1] = cc[1];
  facts_.push_back(f);
}

void NetTableBuilder::add_registry(const RegistryEntry &e) {
  std::uint32_t block =
      add_block(e.v6, e.first, e.last, intern(e.org_id), e.date, e.rir, e.status, e.cc);
  for (const RawPrefix &p : range_prefixes(e.first, e.last, family_bits(e.v6)))
    add_fact(e.v6, p.net, p.len, block, 0, 0, FactKind::kRir, e.cc);
}

void NetTableBuilder::add_route(const RouteEntry &e) {
  add_fact(e.v6, e.net, e.len, 0, e.asn, intern(e.as_name), e.kind, e.cc);
}

void NetTableBuilder::add_range_route(const RangeRouteEntry &e) {
  std::uint32_t block =
      add_block(e.v6, e.first, e.last, 0, 0, netfile::Rir::kNone, netfile::Status::kNone, e.cc);
  std::uint32_t name = intern(e.as_name);
  for (const RawPrefix &p : range_prefixes(e.first, e.last, family_bits(e.v6)))
    add_fact(e.v6, p.net, p.len, block, e.asn, name, FactKind::kIp2asn, e.cc);
}

void NetTableBuilder::add_drop(const DropEntry &entry) {
  drops_.push_back(entry);
}

void NetTableBuilder::add_asn_drop(std::uint32_t asn, const std::string &tag) {
  asn_drops_[asn] = tag;
}

// Turns the builder's facts into per-family lookup structures and records.
class NetTableCompiler {
public:
  explicit NetTableCompiler(NetTableBuilder &b) : b_(b) { records_.push_back(Record{}); }

  std::vector<AddrSegment> family_segments(bool v6) {
    std::vector<AddrInterval> route, registry, mmdb;
    const unsigned bits = family_bits(v6);
    for (std::uint32_t i = 0; i < b_.facts_.size(); ++i) {
      const Fact &f = b_.facts_[i];
      if (bool(f.is_v6) != v6) continue;
      uint128 net = join128(f.net_hi, f.net_lo);
      AddrInterval iv{net, prefix_last(net, f.prefix_len, bits), i};
      if (f.kind == FactKind::kRir)
        registry.push_back(iv);
      else if (f.kind == FactKind::kMmdb)
        mmdb.push_back(iv);
      else
        route.push_back(iv);
    }
    const uint128 end = space_last(v6);
    std::array<std::vector<AddrSegment>, 4> layers = {
        innermost_segments(std::move(route), end), innermost_segments(std::move(registry), end),
        innermost_segments(std::move(mmdb), end), drop_segments(v6)};
    return overlay(layers, end);
  }

  std::vector<Record> &records() { return records_; }

private:
  // Drop lists may nest (DROP inside a wider EDROP entry): a segment carries
  // the tags of every entry that covers it, as one interned string.
  std::vector<AddrSegment> drop_segments(bool v6) {
    std::vector<AddrInterval> intervals;
    const unsigned bits = family_bits(v6);
    for (std::uint32_t i = 0; i < b_.drops_.size(); ++i) {
      const DropEntry &d = b_.drops_[i];
      if (d.v6 == v6) intervals.push_back({d.net, prefix_last(d.net, d.len, bits), i});
    }
    std::vector<AddrSegment> segs = innermost_segments(intervals, space_last(v6));
    for (AddrSegment &s : segs) {
      if (s.value == 0) continue;
      std::vector<std::string> tags;
      for (const AddrInterval &iv : intervals)
        if (iv.first <= s.first && s.last <= iv.last) tags.push_back(b_.drops_[iv.id].tag);
      std::sort(tags.begin(), tags.end());
      tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
      std::string joined;
      for (const std::string &t : tags)
        joined += (joined.empty() ? "" : ",") + t;
      s.value = b_.intern(joined);
    }
    return segs;
  }

  std::uint32_t record_for(const std::array<std::uint32_t, 4> &key) {
    if (key == std::array<std::uint32_t, 4>{0, 0, 0, 0}) return 0;
    auto it = record_ids_.find(key);
    if (it != record_ids_.end()) return it->second;
    Record r{key[0], key[1], key[2], key[3], 0, 0};
    if (r.route) r.asn = b_.facts_[r.route - 1].asn;
    if (!r.asn && r.mmdb) r.asn = b_.facts_[r.mmdb - 1].asn;
    add_asn_drop_tag(r);
    records_.push_back(r);
    auto id = std::uint32_t(records_.size() - 1);
    record_ids_.emplace(key, id);
    return id;
  }

  void add_asn_drop_tag(Record &r) {
    if (b_.asn_drops_.empty()) return;
    std::uint32_t asn = 0;
    if (r.route) asn = b_.facts_[r.route - 1].asn;
    if (!asn && r.mmdb) asn = b_.facts_[r.mmdb - 1].asn;
    auto it = b_.asn_drops_.find(asn);
    if (!asn || it == b_.asn_drops_.end()) return;
    std::string tags = r.drop ? std::string(b_.strings_.c_str() + r.drop) + "," : std::string();
    r.drop = b_.intern(tags + it->second);
  }

  std::vector<AddrSegment> overlay(const std::array<std::vector<AddrSegment>, 4> &layers,
                                   uint128 end) {
    std::vector<AddrSegment> out;
    std::array<std::size_t, 4> pos{};
    uint128 cursor = 0;
    for (;;) {
      uint128 last = end;
      std::array<std::uint32_t, 4> key{};
      for (std::size_t i = 0; i < 4; ++i) {
        last = std::min(last, layers[i][pos[i]].last);
        key[i] = layers[i][pos[i]].value;
      }
      std::uint32_t id = record_for(key);
      if (!out.empty() && out.back().value == id)
        out.back().last = last;
      else
        out.push_back({cursor, last, id});
      if (last == end) return out;
      for (std::size_t i = 0; i < 4; ++i)
        if (layers[i][pos[i]].last == last) ++pos[i];
      cursor = last + 1;
    }
  }

  NetTableBuilder &b_;
  std::vector<Record> records_;
  std::unordered_map<std::array<std::uint32_t, 4>, std::uint32_t, RecordKeyHash> record_ids_;
};

} // namespace spamflow

namespace spamflow {

namespace {

// Writes the sections at 64-byte aligned offsets to `path`, replacing it
// atomically (a reader that maps the old table keeps it whole).
class TableFileWriter {
public:
  void add(netfile::Section id, const void *data, std::size_t bytes) { parts_[id] = {data, bytes}; }

  Result<std::uint64_t> commit(const std::string &path) {
    netfile::Header h{};
    std::memcpy(h.magic, netfile::kMagic, sizeof h.magic);
    h.version = netfile::kVersion;
    h.endian_probe = netfile::kEndianProbe;
    h.created_unix = std::int64_t(std::time(nullptr));
    h.v6_index_bits = kV6IndexBits;
    std::uint64_t offset = align(sizeof h);
    for (std::size_t i = 0; i < netfile::kSectionCount; ++i) {
      h.sections[i] = {offset, parts_[i].bytes};
      offset = align(offset + parts_[i].bytes);
    }
    h.file_size = offset;

    AtomicFile file;
    if (!file.open(path))
      return make_error(path +
                        ": cannot create temporary file: " + std::strerror(file.error_number()));
    bool ok = put(file, &h, sizeof h);
    for (std::size_t i = 0; ok && i < netfile::kSectionCount; ++i)
      ok = pad_to(file, h.sections[i].offset) && put(file, parts_[i].data, parts_[i].bytes);
    if (!(ok && pad_to(file, h.file_size) && file.commit()))
      return make_error(path + ": cannot write table: " + std::strerror(file.error_number()));
    return h.file_size;
  }

private:
  struct Part {
    const void *data = nullptr;
    std::size_t bytes = 0;
  };
  static std::uint64_t align(std::uint64_t v) {
    return (v + netfile::kAlign - 1) / netfile::kAlign * netfile::kAlign;
  }
  bool put(AtomicFile &file, const void *data, std::size_t bytes) {
    written_ += bytes;
    return file.write(data, bytes);
  }
  bool pad_to(AtomicFile &file, std::uint64_t offset) {
    static const char zeros[netfile::kAlign] = {};
    return offset < written_ || put(file, zeros, std::size_t(offset - written_));
  }

  Part parts_[netfile::kSectionCount];
  std::uint64_t written_ = 0;
};

std::string sources_text(const std::vector<SourceInfo> &sources) {
  auto clean = [](std::string s) {
    for (char &c : s)
      if (c == '\t' || c == '\n' || c == '\r') c = ' ';
    return s;
  };
  std::string out;
  for (const SourceInfo &s : sources)
    out += clean(s.kind) + '\t' + clean(s.path) + '\t' + clean(s.date) + '\t' +
           std::to_string(s.entries) + '\t' + std::to_string(s.errors) + '\n';
  return out;
}

} // namespace

Result<BuildStats> NetTableBuilder::write(const std::string &path) {
  NetTableCompiler compiler(*this);
  V4Trie v4 = build_v4_trie(compiler.family_segments(false));
  std::vector<AddrSegment> v6_segments = compiler.family_segments(true);
  V6Ranges v6 = build_v6_ranges(v6_segments);
  const std::vector<Record> &records = compiler.records();
  std::string sources = sources_text(sources_);

  TableFileWriter w;
  w.add(netfile::kV4Top, v4.top.data(), v4.top.size() * 4);
  w.add(netfile::kV4Chunks, v4.chunks.data(), v4.chunks.size() * 4);
  w.add(netfile::kV6Index, v6.index.data(), v6.index.size() * 4);
  w.add(netfile::kV6Starts, v6.starts.data(), v6.starts.size() * sizeof(uint128));
  w.add(netfile::kV6Values, v6.values.data(), v6.values.size() * 4);
  w.add(netfile::kRecords, records.data(), records.size() * sizeof(Record));
  w.add(netfile::kFacts, facts_.data(), facts_.size() * sizeof(Fact));
  w.add(netfile::kBlocks, blocks_.data(), blocks_.size() * sizeof(Block));
  w.add(netfile::kStrings, strings_.data(), strings_.size());
  w.add(netfile::kSources, sources.data(), sources.size());
  Result<std::uint64_t> bytes = w.commit(path);
  if (!bytes) return make_error(bytes.error());
  BuildStats stats;
  stats.records = records.size() - 1;
  stats.facts = facts_.size();
  stats.v4_chunks = v4.chunks.size() / 256;
  stats.v6_segments = v6.starts.size();
  stats.file_bytes = *bytes;
  return stats;
}

} // namespace spamflow
