#include <catch2/catch.hpp>

#include "spamflow/syslog_line.hpp"
