// A hash map for the ban policy's per-address and per-network state, which
// banwrite looks up for every record: entries sit in one dense vector and
// an open-addressed table of 8-byte slots (a hash tag and an entry index)
// finds them, so a lookup touches one small slot and then its entry, with
// no node to allocate or chase (std::unordered_map's were 10% of banwrite
// on 1.35M records).
//
// References to values are valid until the next insertion or removal.
// erase_if rebuilds the table: the policy sweeps its state rarely and all
// at once.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace spamflow {

template <class Key, class Value, class Hash> class DenseMap {
public:
  using Entry = std::pair<Key, Value>;

  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  auto begin() { return entries_.begin(); }
  auto end() { return entries_.end(); }
  auto begin() const { return entries_.begin(); }
  auto end() const { return entries_.end(); }

  const Value *find(const Key &key) const {
    if (slots_.empty()) return nullptr;
    std::uint64_t slot = slots_[probe(key, hash_of(key))];
    return slot == 0 ? nullptr : &entries_[index_of(slot)].second;
  }
  Value *find(const Key &key) { return const_cast<Value *>(std::as_const(*this).find(key)); }
  bool contains(const Key &key) const { return find(key) != nullptr; }

  // The value of key, default-constructed first if it is new.
  Value &operator[](const Key &key) {
    if (2 * (entries_.size() + 1) > slots_.size()) grow();
    std::uint64_t h = hash_of(key);
    std::size_t i = probe(key, h);
    if (slots_[i] != 0) return entries_[index_of(slots_[i])].second;
    slots_[i] = slot_for(h, entries_.size());
    entries_.emplace_back(key, Value{});
    return entries_.back().second;
  }

  // Removes key's entry; false if there is none. The last entry moves into
  // its place, and the slots after it close the gap (backward shift), so
  // no probe ever meets a hole it should have passed.
  bool erase(const Key &key) {
    if (slots_.empty()) return false;
    std::size_t i = probe(key, hash_of(key));
    if (slots_[i] == 0) return false;
    std::size_t e = index_of(slots_[i]);
    close_gap(i);
    std::size_t last = entries_.size() - 1;
    if (e != last) {
      std::uint64_t h = hash_of(entries_[last].first);
      slots_[probe(entries_[last].first, h)] = slot_for(h, e);
      entries_[e] = std::move(entries_[last]);
    }
    entries_.pop_back();
    return true;
  }

  // Removes the entries for which pred(key, value) holds; returns how many.
  template <class Pred> std::size_t erase_if(Pred pred) {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      if (pred(entries_[i].first, entries_[i].second)) continue;
      if (kept != i) entries_[kept] = std::move(entries_[i]);
      ++kept;
    }
    std::size_t erased = entries_.size() - kept;
    entries_.resize(kept);
    if (erased) rebuild(slots_.size());
    return erased;
  }

  // Empties the map; it keeps its capacity for the next fill.
  void clear() {
    entries_.clear();
    std::fill(slots_.begin(), slots_.end(), 0);
  }

private:
  // A slot: the hash's top 32 bits, then the entry's index + 1 (0: empty).
  static std::uint64_t slot_for(std::uint64_t h, std::size_t index) {
    return (h & 0xffffffff00000000ULL) | (static_cast<std::uint64_t>(index) + 1);
  }
  static std::size_t index_of(std::uint64_t slot) {
    return static_cast<std::size_t>(slot & 0xffffffffULL) - 1;
  }
  static std::uint64_t hash_of(const Key &key) {
    // Hash's bits are mixed once more so that both the table index (low
    // bits) and the tag (high bits) are spread.
    std::uint64_t h = static_cast<std::uint64_t>(Hash{}(key)) * 0x9E3779B97F4A7C15ULL;
    return h ^ (h >> 29);
  }

  // The slot holding key, or the empty slot where it would go. Linear
  // probing; the table is at most half full.
  std::size_t probe(const Key &key, std::uint64_t h) const {
    if (slots_.empty()) return 0;
    std::size_t mask = slots_.size() - 1;
    std::uint64_t tag = h & 0xffffffff00000000ULL;
    for (std::size_t i = static_cast<std::size_t>(h) & mask;; i = (i + 1) & mask) {
      std::uint64_t s = slots_[i];
      if (s == 0) return i;
      if ((s & 0xffffffff00000000ULL) == tag && entries_[index_of(s)].first == key) return i;
    }
  }

  void close_gap(std::size_t hole) {
    std::size_t mask = slots_.size() - 1;
    slots_[hole] = 0;
    for (std::size_t j = (hole + 1) & mask; slots_[j] != 0; j = (j + 1) & mask) {
      std::size_t home =
          static_cast<std::size_t>(hash_of(entries_[index_of(slots_[j])].first)) & mask;
      // The entry at j may move back to the hole unless its home lies
      // cyclically in (hole, j].
      bool home_after_hole = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
      if (home_after_hole) continue;
      slots_[hole] = slots_[j];
      slots_[j] = 0;
      hole = j;
    }
  }

  void grow() { rebuild(slots_.empty() ? 16 : 2 * slots_.size()); }

  void rebuild(std::size_t capacity) {
    while (capacity > 16 && 4 * entries_.size() < capacity)
      capacity /= 2; // shrink after sweeps
    slots_.assign(capacity, 0);
    std::size_t mask = capacity - 1;
    for (std::size_t e = 0; e < entries_.size(); ++e) {
      std::uint64_t h = hash_of(entries_[e].first);
      std::size_t i = static_cast<std::size_t>(h) & mask;
      while (slots_[i] != 0)
        i = (i + 1) & mask;
      slots_[i] = slot_for(h, e);
    }
  }

  std::vector<Entry> entries_;
  std::vector<std::uint64_t> slots_; // size 0 or a power of two
};

} // namespace spamflow
