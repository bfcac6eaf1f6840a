// The signals a streaming tool stops (or reports) on. The handler only sets
// a flag; it is installed without SA_RESTART so that a blocking read
// returns EINTR and the tool looks at the flag. SIGPIPE is ignored: a
// closed output shows as a write error, which the tool reports itself.
#pragma once

#include <csignal>
#include <initializer_list>

namespace spamflow {

inline void install_signal_handler(void (*handler)(int), std::initializer_list<int> signals) {
  struct sigaction sa {};
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0; // no SA_RESTART
  for (int sig : signals)
    sigaction(sig, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

} // namespace spamflow
