// On-disk layout of the compiled network table (netlookup import writes it,
// NetTable maps it). Host byte order; the header records an endianness probe
// and every section's offset and size, all checked when the file is opened.
//
//   header | v4 trie top | v4 trie chunks | v6 index | v6 starts | v6 values
//          | records | facts | blocks | strings | sources
//
// A lookup finds a record id (0 = no data); a record names one fact per
// layer (route, registry, mmdb) and a drop-tag string; a fact is one prefix
// with its AS and, through a block, the registry range it belongs to.
#pragma once
#include <cstdint>

namespace spamflow::netfile {

inline constexpr char kMagic[8] = {'S', 'P', 'F', 'N', 'E', 'T', 'T', 'B'};
inline constexpr std::uint32_t kVersion = 2;
inline constexpr std::uint32_t kEndianProbe = 0x01020304u;
inline constexpr std::uint64_t kAlign = 64;

enum Section : std::uint32_t {
  kV4Top,
  kV4Chunks,
  kV6Index,
  kV6Starts,
  kV6Values,
  kRecords,
  kFacts,
  kBlocks,
  kStrings,
  kSources,
  kSectionCount
};

struct SectionRef {
  std::uint64_t offset;
  std::uint64_t size; // bytes
};

struct Header {
  char magic[8];
  std::uint32_t version;
  std::uint32_t endian_probe;
  std::uint64_t file_size;
  std::int64_t created_unix;
  std::uint32_t v6_index_bits;
  std::uint32_t reserved;
  SectionRef sections[kSectionCount];
};

// Index+1 into facts (0 = none) per layer; drop is a string offset (0 =
// none). The AS is copied in so that address -> AS costs two memory reads.
struct Record {
  std::uint32_t route;
  std::uint32_t registry;
  std::uint32_t mmdb;
  std::uint32_t drop;
  std::uint32_t asn;
  std::uint32_t reserved;
};

enum class FactKind : std::uint8_t { kBgp = 1, kIp2asn = 2, kMmdb = 3, kRir = 4 };

// Addresses are split into two 64-bit halves so the struct needs no 16-byte
// alignment; an IPv4 address is in net_lo.
struct Fact {
  std::uint64_t net_hi;
  std::uint64_t net_lo;
  std::uint32_t block; // index+1 into blocks, 0 = none
  std::uint32_t asn;   // 0 = unknown
  std::uint32_t as_name;
  std::uint8_t prefix_len;
  std::uint8_t is_v6;
  FactKind kind;
  char cc[2];
  std::uint8_t pad[3];
};

enum class Rir : std::uint8_t { kNone, kAfrinic, kApnic, kArin, kIana, kLacnic, kRipencc };
enum class Status : std::uint8_t { kNone, kAllocated, kAssigned, kAvailable, kReserved };

// A registry delegation (or an ip2asn range) as an inclusive range.
struct Block {
  std::uint64_t first_hi;
  std::uint64_t first_lo;
  std::uint64_t last_hi;
  std::uint64_t last_lo;
  std::uint32_t org_id; // string offset
  std::uint32_t date;   // YYYYMMDD, 0 = unknown
  Rir rir;
  Status status;
  char cc[2];
  std::uint8_t pad[4];
};

static_assert(sizeof(Record) == 24);
static_assert(sizeof(Fact) == 40);
static_assert(sizeof(Block) == 48);

} // namespace spamflow::netfile
