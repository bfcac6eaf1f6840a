#include "netinfo/whois_client.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <memory>
#include <netdb.h>
#include <poll.h>
#include <set>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

#include "netinfo/whois_cache.hpp"

namespace spamflow {

namespace {

using Clock = std::chrono::steady_clock;

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

int ms_left(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? int(left.count()) : 0;
}

// "host", "host:port" or "[v6]:port" into host and port (default 43).
void split_host_port(const std::string &target, std::string &host, std::string &port) {
  host = target;
  port = "43";
  if (!target.empty() && target.front() == '[') {
    std::size_t close = target.find(']');
    host = target.substr(1, close - 1);
    if (close != std::string::npos && close + 2 < target.size() && target[close + 1] == ':')
      port = target.substr(close + 2);
    return;
  }
  std::size_t colon = target.rfind(':');
  if (colon != std::string::npos && target.find(':') == colon) {
    host = target.substr(0, colon);
    port = target.substr(colon + 1);
  }
}

Result<int> connect_with_deadline(const std::string &host, const std::string &port,
                                  Clock::time_point deadline) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo *res = nullptr;
  int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &res);
  if (rc != 0) return make_error(host + ": " + ::gai_strerror(rc));
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> guard(res, ::freeaddrinfo);
  std::string last_error = "no address";
  for (addrinfo *ai = res; ai; ai = ai->ai_next) {
    int fd =
        ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) return fd;
    if (errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      int err = 0;
      socklen_t len = sizeof err;
      if (::poll(&p, 1, ms_left(deadline)) == 1 &&
          ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0)
        return fd;
      last_error = err ? std::strerror(err) : "connect timed out";
    } else {
      last_error = std::strerror(errno);
    }
    ::close(fd);
  }
  return make_error(host + ":" + port + ": " + last_error);
}

} // namespace

struct WhoisClient::Impl {
  WhoisOptions options;
  std::map<std::string, Clock::time_point> last_query;
  std::unique_ptr<WhoisCache> cache;
  std::string cache_error;

  // Waits until `server` may be asked again.
  void pace(const std::string &server) {
    auto it = last_query.find(server);
    if (it != last_query.end()) {
      auto next = it->second + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(options.min_interval_s));
      if (next > Clock::now()) std::this_thread::sleep_until(next);
    }
    last_query[server] = Clock::now();
  }
};

WhoisClient::WhoisClient(WhoisOptions options) : impl_(new Impl{std::move(options), {}, {}, {}}) {
  if (!impl_->options.cache_path.empty()) {
    Result<WhoisCache> cache = WhoisCache::open(impl_->options.cache_path);
    if (cache)
      impl_->cache = std::make_unique<WhoisCache>(std::move(*cache));
    else
      impl_->cache_error = cache.error();
  }
}

WhoisClient::~WhoisClient() {
  delete impl_;
}

Result<std::string> WhoisClient::query(const std::string &server, const std::string &text) {
  const WhoisOptions &o = impl_->options;
  auto mapped = o.connect_map.find(server);
  std::string host, port;
  split_host_port(mapped != o.connect_map.end() ? mapped->second : server, host, port);
  impl_->pace(server);
  auto deadline = Clock::now() + std::chrono::milliseconds(o.timeout_ms);
  Result<int> conn = connect_with_deadline(host, port, deadline);
  if (!conn) return make_error("whois " + server + ": " + conn.error());
  Fd fd{*conn};
  std::string request = text + "\r\n";
  if (::send(fd.fd, request.data(), request.size(), MSG_NOSIGNAL) != ssize_t(request.size()))
    return make_error("whois " + server + ": send failed");
  std::string answer;
  char buf[16384];
  for (;;) {
    pollfd p{fd.fd, POLLIN, 0};
    int ready = ::poll(&p, 1, ms_left(deadline));
    if (ready == 0)
      return make_error("whois " + server + ": timed out after " + std::to_string(o.timeout_ms) +
                        " ms");
    if (ready < 0 && errno == EINTR) continue;
    ssize_t n = ::recv(fd.fd, buf, sizeof buf, 0);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) break;
    answer.append(
        buf, std::size_t(std::min<std::size_t>(std::size_t(n), o.max_response - answer.size())));
    if (answer.size() >= o.max_response)
      break; // enough: a registry answer is a few KiB; the rest is ignored
  }
  return answer;
}

Result<WhoisAnswer> WhoisClient::lookup(const IpAddress &addr) {
  const WhoisOptions &o = impl_->options;
  std::int64_t now = std::int64_t(std::time(nullptr));
  if (impl_->cache) {
    if (auto hit = impl_->cache->find(addr, now - o.cache_ttl_s)) {
      Result<WhoisNetwork> net = parse_whois_network(hit->answer, addr);
      if (net) return WhoisAnswer{std::move(*net), hit->server, true};
    }
  }
  std::string server = o.iana_server;
  std::set<std::string> asked;
  std::optional<WhoisAnswer> best; // the last answer that named a network
  std::string last_error;
  for (int hop = 0; hop <= o.max_referrals && !server.empty() && !asked.count(server); ++hop) {
    asked.insert(server);
    Result<std::string> text = query(server, addr.to_string());
    if (!text) {
      last_error = text.error();
      break;
    }
    Result<WhoisNetwork> net = parse_whois_network(*text, addr);
    // IANA's own answer names a /8; it is only a pointer onward.
    if (net && server != o.iana_server) {
      best = WhoisAnswer{std::move(*net), server, false};
      if (impl_->cache)
        (void)impl_->cache->store(best->network.first, best->network.last, {server, *text, now});
    } else if (!net) {
      last_error = "whois " + server + ": " + net.error();
    }
    server = whois_referral(*text);
  }
  if (best) return *best;
  return make_error(last_error.empty() ? "no whois answer" : last_error);
}

} // namespace spamflow
