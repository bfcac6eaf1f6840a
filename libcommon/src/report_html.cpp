#include "spamflow/report_writer.hpp"

namespace spamflow {

std::unique_ptr<ReportWriter> make_html_writer() {
  return nullptr; // stub: the HTML writer comes next
}

} // namespace spamflow
