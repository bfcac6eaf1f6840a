// The bounded store of records being assembled. Each entry belongs to a
// log host and sits in one of two queues of that host, in the order it was
// last touched: "pending" (still assembling; leaves on TTL, cap or end) and
// "ready" (complete; leaves once its host's clock is `linger` seconds past
// its last line, so a late line of the same message still joins it).
// Clocks are per host (the maximum log time seen from that host), so skewed
// hosts do not expire each other's records, and a replay is deterministic.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/key_hash.hpp"

namespace spamflow {

template <class Value> class ExpiringStack {
public:
  struct Entry;
  using Queue = std::list<Entry *>;
  struct HostState {
    std::string name;
    std::int64_t now = INT64_MIN; // max log time seen from this host
    Queue pending, ready;
  };
  struct Entry {
    std::string key;
    HostState *host = nullptr;
    Value value;
    std::int64_t last = 0; // log time of the entry's latest line
    std::uint64_t touch = 0;
    bool ready = false;
    typename Queue::iterator pos;
  };
  enum class Reason { kComplete, kTtl, kMaxPending, kFlush };
  using EmitFn = std::function<void(Entry &, Reason)>;

  ExpiringStack(std::int64_t ttl_s, std::int64_t linger_s, std::size_t max_pending, EmitFn emit)
      : ttl_(ttl_s), linger_(linger_s), max_(max_pending), emit_(std::move(emit)) {}

  HostState &host(std::string_view name) {
    // A site has a handful of mail servers whose lines alternate: a look
    // through the first few beats hashing the name on every line.
    const std::uint64_t head = head_word(name);
    for (const FirstHost &f : first_hosts_)
      if (f.head == head && f.state->name.size() == name.size() &&
          (name.size() <= 8 ||
           std::memcmp(f.state->name.data() + 8, name.data() + 8, name.size() - 8) == 0))
        return *f.state;
    auto it = hosts_.find(name);
    if (it == hosts_.end()) {
      it = hosts_.emplace(std::string(name), std::make_unique<HostState>()).first;
      it->second->name = it->first;
      if (first_hosts_.size() < kFirstHosts) first_hosts_.push_back({head, it->second.get()});
    }
    return *it->second;
  }

  template <class Fn> void for_each_host(Fn fn) {
    for (auto &[name, h] : hosts_)
      fn(*h);
  }

  Entry *find(std::string_view key) {
    auto it = entries_.find(key);
    return it == entries_.end() ? nullptr : &it->second;
  }

  // Creates a pending entry (the key must not exist); makes room first so
  // the store never holds more than its cap.
  Entry &create(HostState &h, std::string_view key) {
    enforce_cap(max_ > 0 ? max_ - 1 : 0);
    Entry *ep;
    if (!free_nodes_.empty()) {
      // A node of a released entry: its strings keep their capacity.
      auto node = std::move(free_nodes_.back());
      free_nodes_.pop_back();
      node.key() = key;
      node.mapped().value.reset();
      node.mapped().ready = false;
      node.mapped().last = 0;
      ep = &entries_.insert(std::move(node)).position->second;
    } else {
      ep = &entries_.try_emplace(std::string(key)).first->second;
    }
    Entry &e = *ep;
    e.key = key; // reuses the capacity of a recycled node's string
    e.host = &h;
    e.touch = ++touch_;
    e.pos = h.pending.insert(h.pending.end(), &e);
    if (entries_.size() > peak_) peak_ = entries_.size();
    return e;
  }

  // Moves the entry to the back of the queue its readiness calls for.
  void touch(Entry &e, std::int64_t log_time, bool ready) {
    if (log_time > e.last) e.last = log_time;
    e.touch = ++touch_;
    Queue &from = e.ready ? e.host->ready : e.host->pending;
    Queue &to = ready ? e.host->ready : e.host->pending;
    to.splice(to.end(), from, e.pos);
    e.ready = ready;
  }

  // Advances a host's clock and emits what is due on that host.
  void advance(HostState &h, std::int64_t log_time) {
    if (log_time > h.now) h.now = log_time;
    expire_host(h);
  }
  // Moves every host's clock forward (the input went quiet for `seconds`).
  void advance_all(std::int64_t seconds) {
    for (auto &[name, h] : hosts_) {
      if (h->now != INT64_MIN) h->now += seconds;
      expire_host(*h);
    }
  }
  // Emits every ready entry now (the input has nothing more to say yet).
  void emit_ready() {
    for (auto &[name, h] : hosts_)
      while (!h->ready.empty())
        release(*h->ready.front(), Reason::kComplete);
  }
  // Emits everything (end of input, signal).
  void flush_all() {
    emit_ready();
    for (auto &[name, h] : hosts_)
      while (!h->pending.empty())
        release(*h->pending.front(), Reason::kFlush);
  }
  // Keeps the store under the cap, oldest first.
  void enforce_cap() { enforce_cap(max_); }
  void enforce_cap(std::size_t limit) {
    while (entries_.size() > limit) {
      Entry *oldest = nullptr;
      for (auto &[name, h] : hosts_)
        for (Queue *q : {&h->ready, &h->pending})
          if (!q->empty() && (!oldest || q->front()->touch < oldest->touch)) oldest = q->front();
      if (!oldest) return;
      release(*oldest, oldest->ready ? Reason::kComplete : Reason::kMaxPending);
    }
  }

  void erase(Entry &e) {
    (e.ready ? e.host->ready : e.host->pending).erase(e.pos);
    auto node = entries_.extract(entries_.find(std::string_view(e.key)));
    if (free_nodes_.size() < kMaxFreeNodes) free_nodes_.push_back(std::move(node));
  }

  std::size_t size() const { return entries_.size(); }
  std::size_t peak() const { return peak_; }
  std::int64_t ttl() const { return ttl_; }

private:
  void expire_host(HostState &h) {
    while (!h.ready.empty() && h.ready.front()->last + linger_ <= h.now)
      release(*h.ready.front(), Reason::kComplete);
    while (!h.pending.empty() && h.pending.front()->last + ttl_ < h.now)
      release(*h.pending.front(), Reason::kTtl);
  }
  void release(Entry &e, Reason why) {
    emit_(e, why);
    erase(e);
  }

  std::int64_t ttl_, linger_;
  std::size_t max_;
  EmitFn emit_;
  using Map = TextMap<Entry>;
  static constexpr std::size_t kMaxFreeNodes = 256;
  Map entries_;
  std::vector<typename Map::node_type> free_nodes_;
  TextMap<std::unique_ptr<HostState>> hosts_;
  // The first bytes of a name (up to 8) as a word, compared in one step.
  static std::uint64_t head_word(std::string_view name) {
    std::uint64_t w = 0;
    const std::size_t n = name.size() < 8 ? name.size() : 8;
    for (std::size_t i = 0; i < n; ++i)
      w |= std::uint64_t{static_cast<unsigned char>(name[i])} << (8 * i);
    return w;
  }
  struct FirstHost {
    std::uint64_t head;
    HostState *state;
  };
  static constexpr std::size_t kFirstHosts = 16;
  std::vector<FirstHost> first_hosts_; // the first hosts seen, searched before hosts_
  std::uint64_t touch_ = 0;
  std::size_t peak_ = 0;
};

} // namespace spamflow
