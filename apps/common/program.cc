#include "common/program.h"

#include <iostream>

namespace incuera::apps {

ProgramStart StartProgram(std::string_view program, std::string_view usage,
                          std::vector<FlagSpec> flags, int argc, char** argv) {
  ProgramStart start;
  std::vector<FlagSpec> table = BackendFlags();
  table.insert(table.end(), flags.begin(), flags.end());
  table.insert(table.end(), {{"--help", "", false}, {"-h", "", false}});
  Result<CommandLine> line = ParseCommandLine(table, {argv + 1, argv + argc});
  if (!line.ok()) {
    std::cerr << usage << program << ": " << line.status().message() << "\n";
    start.exit_code = 1;
    return start;
  }
  start.line = std::move(*line);
  if (start.line.Has("--help") || start.line.Has("-h")) {
    std::cout << usage;
    start.exit_code = 0;
    return start;
  }
  if (Status s = LoadOptions(start.options, start.line); !s.ok()) {
    std::cerr << program << ": " << s.message() << "\n";
    start.exit_code = 1;
  }
  return start;
}

}  // namespace incuera::apps
