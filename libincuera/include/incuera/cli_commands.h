// CliCommands: the commands behind the `incuera` command-line tool (users,
// projects, API keys, sessions, migrations), kept in the library so they can
// be tested and embedded. Every command is a call to the admin service
// (admin.h) as the system caller, so the CLI follows the rules, cascades and
// errors of the HTTP API. apps/cli/main.cc only opens the Engine and hands
// the remaining arguments to Run().
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "incuera/admin.h"
#include "incuera/engine.h"
#include "incuera/status.h"

namespace incuera {

// Runs admin commands against an Engine. Output (tables, or JSON arrays with
// --json) goes to `out`, diagnostics to `err`. Not thread-safe; the Engine
// and streams must outlive it.
class CliCommands {
 public:
  // Exit codes of Run().
  static constexpr int kOk = 0;
  static constexpr int kFailed = 1;      // the command could not be carried out
  static constexpr int kUsageError = 2;  // unknown command, bad or missing flag

  CliCommands(Engine& engine, std::ostream& out, std::ostream& err);

  // Runs one command, e.g. {"user", "add", "--email", "a@b.c", "--password",
  // "…"}; `args` excludes the program name and global flags. "--help" after
  // any command prefix prints its usage. Returns one of the exit codes above.
  int Run(const std::vector<std::string>& args);

  // Handles what needs no database: no arguments, --help anywhere, and
  // unknown commands. Returns the exit code when it handled `args`, or
  // nullopt when the command must run with a Store (then call Run()).
  static std::optional<int> RunWithoutStore(const std::vector<std::string>& args, std::ostream& out,
                                            std::ostream& err);

 private:
  Admin admin_;
  Env& env_;  // the Engine's: the time each command runs at
  std::ostream& out_;
  std::ostream& err_;
};

}  // namespace incuera
