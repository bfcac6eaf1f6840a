// Which syslog idents are sendmail's. sendmail logs under whatever ident the
// site gives it with -L: "sendmail" by default, Debian's sm-mta and
// sm-msp-queue, "sendmail-listen"/"sendmail-queue" (the O'Reilly book),
// sm-acceptingconnections (seen in published test logs). Not every sm-*:
// NFS's sm-notify is another program. logjoin's --programs replaces the
// list; an idents that is not in it but logs sendmail-shaped lines is
// counted (SendmailLookalikes) so the user learns it is missing.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.hpp"

namespace spamflow {

class ProgramSet {
public:
  // sendmail-* and sm-mta* match any ident with that start. sm-msp and mail
  // were accepted by the first releases and stay.
  static constexpr std::string_view kDefault =
      "sendmail,sendmail-*,sm-mta*,sm-msp-queue,sm-acceptingconnections,sm-msp,mail";

  // A comma-separated list of idents; NAME* matches every ident starting
  // with NAME. Fails on an empty list or an empty or malformed entry.
  static Result<ProgramSet> parse(std::string_view list);
  static ProgramSet defaults();

  // Called for every line. An ident of up to 16 bytes is known by its
  // length and two overlapping loads that cover all of its bytes; a small
  // table keyed by length and first byte answers the stream's handful of
  // idents without a loop or a call, the lists only for a new one.
  bool matches(std::string_view program) const {
    Key k;
    if (!make_key(program, k)) return match_lists(program);
    const Slot &s = slots_[slot_of(k)];
    if (s.key.length == k.length && s.key.head == k.head && s.key.tail == k.tail) return s.match;
    return remember(k, match_lists(program));
  }

private:
  struct Key {
    std::uint64_t head = 0, tail = 0;
    std::size_t length = ~std::size_t(0); // never a real length: an empty slot
  };
  struct Slot {
    Key key;
    bool match = false;
  };
  static bool make_key(std::string_view p, Key &k) {
    k.length = p.size();
    if (p.size() >= 8 && p.size() <= 16) {
      std::memcpy(&k.head, p.data(), 8);
      std::memcpy(&k.tail, p.data() + p.size() - 8, 8);
    } else if (p.size() >= 4 && p.size() < 8) {
      std::uint32_t h, t;
      std::memcpy(&h, p.data(), 4);
      std::memcpy(&t, p.data() + p.size() - 4, 4);
      k.head = h;
      k.tail = t;
    } else if (p.size() < 4) {
      for (char c : p)
        k.head = k.head << 8 | static_cast<unsigned char>(c);
    } else {
      return false; // longer than 16: not cached
    }
    return true;
  }
  static std::size_t slot_of(const Key &k) { return (k.length * 7 + (k.head & 0xff)) & 15; }
  bool remember(const Key &k, bool match) const {
    slots_[slot_of(k)] = {k, match};
    return match;
  }
  bool match_lists(std::string_view program) const;

  std::vector<std::string> exact_, prefixes_;
  mutable Slot slots_[16];
};

// Counts lines of idents outside the ProgramSet that look like sendmail's
// (a queue id and a sendmail line form), per ident, for --stats.
class SendmailLookalikes {
public:
  // Looks at one message of an ident that is neither sendmail's nor spamd's.
  void note(std::string_view program, std::string_view message);
  // The idents seen, most lines first (at most kMaxIdents are tracked).
  std::vector<std::pair<std::string, std::uint64_t>> by_ident() const;
  std::uint64_t total() const { return total_; }

  static constexpr std::size_t kMaxIdents = 16;

private:
  std::vector<std::pair<std::string, std::uint64_t>> idents_;
  std::uint64_t total_ = 0;
};

// True when `message` has a queue id and a form only sendmail writes.
bool looks_like_sendmail_message(std::string_view message);

} // namespace spamflow
