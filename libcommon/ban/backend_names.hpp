// Checks of the names and values an admin gives the ban backends
// (--nft-table, --nft-set, --ipset-name, --access-value):
// each goes verbatim into nft's or ipset's input, or into a line of the
// access map, so a newline or a quote in one would add
// commands or entries of its own (a newline in --access-value once added
// "Connect:0.0.0.0 RELAY"). Each returns an error naming the option.
#pragma once
#include <string_view>

#include "base/result.hpp"

namespace spamflow {

// nftables table and set names: a letter, then letters, digits and '_'
// (at most 48 bytes, so that "_v4"/"_v6" still fit nft's limits).
Result<bool> check_nft_name(std::string_view option, std::string_view name);
// ipset set names: letters, digits, '_', '.', '-', not starting with '-';
// at most 28 bytes (ipset's 31 with "_v4"/"_v6").
Result<bool> check_ipset_name(std::string_view option, std::string_view name);
// A value written after a key on one line of a map or zone: not empty, at
// most 1024 bytes, no control bytes (newline, CR, tab, NUL, DEL).
Result<bool> check_line_value(std::string_view option, std::string_view value);

} // namespace spamflow
