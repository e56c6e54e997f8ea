// What the daemons' mains (incuera-server, incuera-worker) share: their
// flags parsed strictly and Options loaded from them (options.h:
// ParseCommandLine, LoadOptions), with the usage and errors printed.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "incuera/options.h"

namespace incuera::apps {

struct ProgramStart {
  Options options;
  CommandLine line;              // for the program's own switches
  std::optional<int> exit_code;  // set: main returns it at once
};

// Parses argv[1..] against BackendFlags(), `flags` and --help/-h, then loads
// Options (env file, environment, flags). --help prints `usage` on stdout
// (exit code 0); a bad flag prints the usage and "<program>: <error>" on
// stderr, a bad setting the error alone (exit code 1).
ProgramStart StartProgram(std::string_view program, std::string_view usage,
                          std::vector<FlagSpec> flags, int argc, char** argv);

}  // namespace incuera::apps
