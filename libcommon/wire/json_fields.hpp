// The first occurrence of each of N named members of a JSON object, found
// in one pass over the object: a lookup per name walks its keys again,
// which was a fifth of spamclass and more of banwrite's reader. The first
// of a repeated key wins, as simdjson's obj[key] has it, so a crafted
// record cannot hide a field behind a later copy of its key.
#pragma once
#include <array>
#include <cstddef>
#include <string_view>

#include <simdjson.h>

namespace spamflow {

template <std::size_t N> struct JsonFields {
  std::array<simdjson::dom::element, N> value{};
  std::array<bool, N> present{};

  JsonFields(simdjson::dom::object obj, const std::string_view (&names)[N]) {
    for (auto field : obj)
      for (std::size_t i = 0; i < N; ++i)
        if (field.key == names[i]) {
          if (!present[i]) value[i] = field.value, present[i] = true;
          break;
        }
  }
};

} // namespace spamflow
