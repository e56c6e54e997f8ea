// incuera: the admin command-line tool. Global flags -> Options -> Engine ->
// AdminTool (libincuera/include/incuera/admin_tool.h).
#include <iostream>
#include <string>
#include <vector>

#include "incuera/admin_tool.h"
#include "incuera/engine.h"
#include "incuera/options.h"
namespace {

int Fail(const std::string& message) {
  std::cerr << "incuera: " << message << "\n";
  return incuera::AdminTool::kFailed;
}

// Takes "--name VALUE" or "--name=VALUE" out of `args` (anywhere, so global
// flags may follow the command). Returns false when the value is missing.
bool TakeFlag(std::vector<std::string>& args, const std::string& name, std::string& value) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == name) {
      if (i + 1 >= args.size()) return false;
      value = args[i + 1];
      args.erase(args.begin() + i, args.begin() + i + 2);
      return true;
    }
    if (args[i].rfind(name + "=", 0) == 0) {
      value = args[i].substr(name.size() + 1);
      args.erase(args.begin() + i);
      return true;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string env_file = ".env", database_url;
  if (!TakeFlag(args, "--env-file", env_file) || !TakeFlag(args, "--database-url", database_url)) {
    std::cerr << "incuera: a global flag is missing its value\n";
    return incuera::AdminTool::kUsageError;
  }
  if (auto code = incuera::AdminTool::RunWithoutStore(args, std::cout, std::cerr)) return *code;

  incuera::Options options;
  if (auto s = incuera::LoadOptionsFromEnvironment(options, env_file); !s.ok()) {
    return Fail(s.ToString());
  }
  if (!database_url.empty()) options.database_url = database_url;
  // `incuera migrate` reports what it applies; every other command brings the
  // schema up to date first (when AUTO_MIGRATE), as the server does.
  if (args.front() == "migrate") options.auto_migrate = false;
  auto engine = incuera::Engine::Open(options);
  if (!engine.ok()) return Fail(engine.status().ToString());
  return incuera::AdminTool(**engine, std::cout, std::cerr).Run(args);
}
