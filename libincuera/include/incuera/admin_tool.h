// AdminTool: the commands behind the `incuera` command-line tool (users,
// projects, API keys, sessions, migrations), kept in the library so they can
// be tested and embedded. apps/cli/main.cc only opens the Store and Auth and
// hands the remaining arguments to Run().
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "incuera/auth.h"
#include "incuera/status.h"
#include "incuera/store.h"

namespace incuera {

// Runs admin commands against a Store. Output (tables, or JSON arrays with
// --json) goes to `out`, diagnostics to `err`. Not thread-safe; the Store,
// Auth and streams must outlive it.
class AdminTool {
 public:
  // Exit codes of Run().
  static constexpr int kOk = 0;
  static constexpr int kFailed = 1;      // the command could not be carried out
  static constexpr int kUsageError = 2;  // unknown command, bad or missing flag

  AdminTool(Store& store, Auth& auth, std::ostream& out, std::ostream& err);

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
  Store& store_;
  Auth& auth_;
  std::ostream& out_;
  std::ostream& err_;
};

}  // namespace incuera
