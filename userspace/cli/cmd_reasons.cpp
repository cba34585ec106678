// netdropctl reasons: the drop and reset reason names of the running kernel.
#include <boost/program_options.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "reasons.hpp"
#include "session.hpp"

namespace po = boost::program_options;

namespace netdrop::cli {

int cmd_reasons(const Args& args) {
  bool json = false, resets = false;
  po::options_description d("reasons options");
  d.add_options()("help,h", "show this help")("json", po::bool_switch(&json), "JSON lines")(
      "resets", po::bool_switch(&resets), "TCP reset reasons (enum sk_rst_reason) instead of drop reasons");
  po::variables_map vm;
  if (!parse(args, d, "reasons [--json] [--resets]", "  netdropctl reasons\n  netdropctl reasons --resets\n", vm))
    return 0;
  Session s;
  try {
    out(resets ? reset_reasons_listing(s.reset_reasons(), json)
               : drop_reasons_listing(s.reasons(), drop_reasons_of(s.info()), json));
    out_flush();
  } catch (const PipeClosed&) {
  }
  return 0;
}

}  // namespace netdrop::cli
