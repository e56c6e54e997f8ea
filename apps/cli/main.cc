// incuera: the admin command-line tool. Global flags -> Options -> Engine ->
// CliCommands (libincuera/include/incuera/cli_commands.h).
#include <iostream>
#include <string>
#include <vector>

#include "incuera/cli_commands.h"
#include "incuera/engine.h"
#include "incuera/options.h"
namespace {

int Fail(const std::string& message) {
  std::cerr << "incuera: " << message << "\n";
  return incuera::CliCommands::kFailed;
}

}  // namespace

int main(int argc, char** argv) {
  // Global flags may come anywhere (after the command too); the rest is the
  // command with its own flags.
  auto line = incuera::ParseCommandLine(incuera::BackendFlags(), {argv + 1, argv + argc},
                                        /*keep_others=*/true);
  if (!line.ok()) {
    std::cerr << "incuera: " << line.status().message() << "\n";
    return incuera::CliCommands::kUsageError;
  }
  std::vector<std::string>& args = line->rest;
  if (auto code = incuera::CliCommands::RunWithoutStore(args, std::cout, std::cerr)) return *code;

  incuera::Options options;
  if (auto s = incuera::LoadOptions(options, *line); !s.ok()) return Fail(s.ToString());
  // `incuera migrate` reports what it applies; every other command brings the
  // schema up to date first (when AUTO_MIGRATE), as the server does.
  if (args.front() == "migrate") options.auto_migrate = false;
  auto engine = incuera::Engine::Open(options);
  if (!engine.ok()) return Fail(engine.status().ToString());
  return incuera::CliCommands(**engine, std::cout, std::cerr).Run(args);
}
