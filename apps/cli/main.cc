// incuera: the admin command-line tool. Global flags -> Options -> Store +
// Auth -> AdminTool (libincuera/include/incuera/admin_tool.h).
#include <iostream>
#include <string>
#include <vector>

#include "incuera/admin_tool.h"
#include "incuera/auth.h"
#include "incuera/options.h"
#include "incuera/store.h"

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
  auto store = incuera::OpenStore(options.database_url, 1);
  if (!store.ok()) {
    return Fail(incuera::RedactUrl(options.database_url) + ": " + store.status().ToString());
  }
  // `incuera migrate` reports what it applies; every other command brings the
  // schema up to date first, as the server does.
  if (args.front() != "migrate" && options.auto_migrate) {
    if (auto applied = (*store)->Migrate(); !applied.ok()) {
      return Fail("migrate: " + applied.status().ToString());
    }
  }
  auto secret = incuera::LoadOrCreateSecretKey(options);
  if (!secret.ok()) return Fail(secret.status().ToString());
  incuera::Auth auth(*secret, **store);
  incuera::AdminTool tool(**store, auth, std::cout, std::cerr);
  return tool.Run(args);
}
