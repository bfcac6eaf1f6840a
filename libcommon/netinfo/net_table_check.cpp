// Opening a table checks every section and every reference in it once, so
// that lookups can follow ids without bounds checks and a damaged or foreign
// file is refused with a message instead of crashing a reader.
#include <cstring>
#include <string>

#include "netinfo/net_table.hpp"

namespace spamflow {

using netfile::Header;

namespace {

Error bad(const std::string &what) {
  return Error{"damaged network table: " + what};
}

} // namespace

Result<bool> NetTable::bind_sections() {
  const auto *h = reinterpret_cast<const Header *>(base_);
  if (std::memcmp(h->magic, netfile::kMagic, sizeof h->magic) != 0)
    return Error{"not a network table (bad magic); build one with 'netlookup import'"};
  if (h->version != netfile::kVersion)
    return Error{"network table version " + std::to_string(h->version) + ", expected " +
                 std::to_string(netfile::kVersion) + "; re-run 'netlookup import'"};
  if (h->endian_probe != netfile::kEndianProbe)
    return Error{"network table written on a machine of other byte order"};
  if (h->file_size != size_)
    return bad("size " + std::to_string(size_) + " != recorded " + std::to_string(h->file_size));
  if (h->v6_index_bits != kV6IndexBits) return bad("unexpected IPv6 index width");
  for (const netfile::SectionRef &s : h->sections)
    if (s.offset % netfile::kAlign != 0 || s.offset > size_ || s.size > size_ - s.offset)
      return bad("section outside the file");
  auto at = [&](netfile::Section id) { return base_ + h->sections[id].offset; };
  auto bytes = [&](netfile::Section id) { return std::size_t(h->sections[id].size); };
  if (bytes(netfile::kV4Top) != kV4TopEntries * 4 || bytes(netfile::kV4Chunks) % 1024 != 0)
    return bad("IPv4 trie size");
  if (bytes(netfile::kV6Index) != ((std::size_t(1) << kV6IndexBits) + 1) * 4)
    return bad("IPv6 index size");
  n_v6_ = bytes(netfile::kV6Starts) / sizeof(uint128);
  if (n_v6_ == 0 || bytes(netfile::kV6Starts) % sizeof(uint128) != 0 ||
      bytes(netfile::kV6Values) != n_v6_ * 4)
    return bad("IPv6 ranges size");
  if (bytes(netfile::kRecords) % sizeof(netfile::Record) != 0 ||
      bytes(netfile::kFacts) % sizeof(netfile::Fact) != 0 ||
      bytes(netfile::kBlocks) % sizeof(netfile::Block) != 0)
    return bad("record sizes");
  strings_size_ = bytes(netfile::kStrings);
  if (strings_size_ == 0 || base_[h->sections[netfile::kStrings].offset + strings_size_ - 1] != 0)
    return bad("string pool not terminated");
  v4_top_ = reinterpret_cast<const std::uint32_t *>(at(netfile::kV4Top));
  v4_chunks_ = reinterpret_cast<const std::uint32_t *>(at(netfile::kV4Chunks));
  n_v4_chunks_ = bytes(netfile::kV4Chunks) / 1024;
  v6_index_ = reinterpret_cast<const std::uint32_t *>(at(netfile::kV6Index));
  v6_starts_ = reinterpret_cast<const uint128 *>(at(netfile::kV6Starts));
  v6_values_ = reinterpret_cast<const std::uint32_t *>(at(netfile::kV6Values));
  records_ = reinterpret_cast<const netfile::Record *>(at(netfile::kRecords));
  n_records_ = bytes(netfile::kRecords) / sizeof(netfile::Record);
  facts_ = reinterpret_cast<const netfile::Fact *>(at(netfile::kFacts));
  n_facts_ = bytes(netfile::kFacts) / sizeof(netfile::Fact);
  blocks_ = reinterpret_cast<const netfile::Block *>(at(netfile::kBlocks));
  n_blocks_ = bytes(netfile::kBlocks) / sizeof(netfile::Block);
  strings_ = reinterpret_cast<const char *>(at(netfile::kStrings));
  sources_ = std::string_view(reinterpret_cast<const char *>(at(netfile::kSources)),
                              bytes(netfile::kSources));
  if (n_records_ == 0) return bad("no records");
  return true;
}

Result<bool> NetTable::validate() const {
  // IPv4 trie: top -> middle chunk -> low chunk -> value; nothing deeper.
  auto value_ok = [&](std::uint32_t e) { return !(e & kTrieChild) && e < n_records_; };
  for (std::size_t i = 0; i < kV4TopEntries; ++i) {
    std::uint32_t e = v4_top_[i];
    if (!(e & kTrieChild)) {
      if (!value_ok(e)) return bad("IPv4 trie value");
      continue;
    }
    if ((e & kTrieIndexMask) >= n_v4_chunks_) return bad("IPv4 trie reference");
    const std::uint32_t *mid = v4_chunks_ + std::size_t(e & kTrieIndexMask) * 256;
    for (std::size_t j = 0; j < 256; ++j) {
      if (!(mid[j] & kTrieChild)) {
        if (!value_ok(mid[j])) return bad("IPv4 trie value");
        continue;
      }
      if ((mid[j] & kTrieIndexMask) >= n_v4_chunks_) return bad("IPv4 trie reference");
      const std::uint32_t *low = v4_chunks_ + std::size_t(mid[j] & kTrieIndexMask) * 256;
      for (std::size_t k = 0; k < 256; ++k)
        if (!value_ok(low[k])) return bad("IPv4 trie leaf");
    }
  }
  // IPv6: sorted starts from 0, index monotonic and inside, values in range.
  if (v6_starts_[0] != 0) return bad("IPv6 ranges do not start at ::");
  for (std::size_t i = 0; i < n_v6_; ++i)
    if ((i > 0 && v6_starts_[i] <= v6_starts_[i - 1]) || v6_values_[i] >= n_records_)
      return bad("IPv6 ranges");
  const std::size_t buckets = std::size_t(1) << kV6IndexBits;
  for (std::size_t h = 0; h <= buckets; ++h)
    if (v6_index_[h] >= n_v6_ || (h > 0 && v6_index_[h] < v6_index_[h - 1]))
      return bad("IPv6 index");
  for (std::size_t h = 0; h < buckets; ++h) {
    uint128 addr = uint128(h) << (128 - kV6IndexBits);
    std::size_t i = v6_index_[h];
    if (v6_starts_[i] > addr || (i + 1 < n_v6_ && v6_starts_[i + 1] <= addr))
      return bad("IPv6 index bucket");
  }
  for (std::size_t i = 0; i < n_records_; ++i) {
    const netfile::Record &r = records_[i];
    if (r.route > n_facts_ || r.registry > n_facts_ || r.mmdb > n_facts_ || r.drop >= strings_size_)
      return bad("record reference");
  }
  for (std::size_t i = 0; i < n_facts_; ++i) {
    const netfile::Fact &f = facts_[i];
    if (f.block > n_blocks_ || f.as_name >= strings_size_ || f.prefix_len > (f.is_v6 ? 128 : 32))
      return bad("fact reference");
  }
  for (std::size_t i = 0; i < n_blocks_; ++i)
    if (blocks_[i].org_id >= strings_size_) return bad("block reference");
  return true;
}

} // namespace spamflow
