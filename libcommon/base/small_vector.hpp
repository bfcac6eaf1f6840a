// A vector of trivially copyable values that keeps its first N in place
// and only then goes to the heap. banwrite's policy keeps a few samples per
// address and a few spammers per network; most hold one, and a std::vector
// made that one a heap block of its own: an allocation and, on every later
// look, a cache miss of its own.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <type_traits>

namespace spamflow {

template <class T, std::size_t N> class SmallVector {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);
  static_assert(N >= 1);

public:
  SmallVector() = default;
  SmallVector(const SmallVector &other) { assign(other); }
  SmallVector &operator=(const SmallVector &other) {
    if (this != &other) {
      clear();
      assign(other);
    }
    return *this;
  }
  SmallVector(SmallVector &&other) noexcept { take(other); }
  SmallVector &operator=(SmallVector &&other) noexcept {
    if (this != &other) {
      release();
      take(other);
    }
    return *this;
  }
  ~SmallVector() { release(); }

  T *begin() { return data(); }
  T *end() { return data() + size_; }
  const T *begin() const { return data(); }
  const T *end() const { return data() + size_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T &operator[](std::size_t i) { return data()[i]; }
  const T &operator[](std::size_t i) const { return data()[i]; }

  void push_back(const T &value) { insert(end(), value); }
  // Inserts before pos; returns where value now is.
  T *insert(T *pos, const T &value) {
    auto at = static_cast<std::size_t>(pos - begin());
    reserve(size_ + 1);
    T *d = data();
    std::memmove(static_cast<void *>(d + at + 1), d + at, (size_ - at) * sizeof(T));
    d[at] = value;
    ++size_;
    return d + at;
  }
  T *erase(T *first, T *last) {
    std::memmove(static_cast<void *>(first), last,
                 static_cast<std::size_t>(end() - last) * sizeof(T));
    size_ -= static_cast<std::uint32_t>(last - first);
    return first;
  }
  T *erase(T *pos) { return erase(pos, pos + 1); }
  template <class Pred> std::size_t erase_if(Pred pred) {
    T *keep = std::remove_if(begin(), end(), pred);
    auto n = static_cast<std::size_t>(end() - keep);
    erase(keep, end());
    return n;
  }
  void clear() { size_ = 0; }
  void reserve(std::size_t n) {
    if (n <= capacity_) return;
    std::size_t cap = std::max<std::size_t>(n, 2 * std::size_t{capacity_});
    T *fresh = static_cast<T *>(::operator new(cap * sizeof(T)));
    std::memcpy(static_cast<void *>(fresh), data(), size_ * sizeof(T));
    release();
    heap_ = fresh;
    capacity_ = static_cast<std::uint32_t>(cap);
  }
  bool on_heap() const { return capacity_ > N; }

private:
  T *data() { return on_heap() ? heap_ : std::launder(reinterpret_cast<T *>(inline_)); }
  const T *data() const {
    return on_heap() ? heap_ : std::launder(reinterpret_cast<const T *>(inline_));
  }
  void assign(const SmallVector &other) {
    reserve(other.size_);
    std::memcpy(static_cast<void *>(data()), other.data(), other.size_ * sizeof(T));
    size_ = other.size_;
  }
  void take(SmallVector &other) {
    if (other.on_heap()) {
      heap_ = other.heap_;
    } else {
      std::memcpy(inline_, other.inline_, sizeof inline_);
    }
    size_ = other.size_;
    capacity_ = other.capacity_;
    other.size_ = 0;
    other.capacity_ = N;
  }
  void release() {
    if (on_heap()) ::operator delete(heap_);
    capacity_ = N;
  }

  union {
    alignas(T) unsigned char inline_[N * sizeof(T)];
    T *heap_;
  };
  std::uint32_t size_ = 0, capacity_ = N;
};

} // namespace spamflow
