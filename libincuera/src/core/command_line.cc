// The programs' flags (options.h: FlagSpec, ParseCommandLine, LoadOptions).
#include <algorithm>

#include "incuera/options.h"

namespace incuera {

std::vector<FlagSpec> BackendFlags() {
  return {{"--database-url", "DATABASE_URL"},
          {"--queue-url", "QUEUE_URL"},
          {"--storage-url", "STORAGE_URL"},
          {"--env-file", ""}};
}

bool CommandLine::Has(std::string_view name) const {
  return std::any_of(flags.begin(), flags.end(),
                     [&](const Given& given) { return given.spec.name == name; });
}

std::string CommandLine::Value(std::string_view name, std::string fallback) const {
  for (auto it = flags.rbegin(); it != flags.rend(); ++it) {
    if (it->spec.name == name) return it->value;
  }
  return fallback;
}

Result<CommandLine> ParseCommandLine(const std::vector<FlagSpec>& table,
                                     const std::vector<std::string>& args, bool keep_others) {
  CommandLine line;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    const size_t eq = arg.starts_with("--") ? arg.find('=') : std::string::npos;
    const std::string name = arg.substr(0, eq);
    auto spec =
        std::find_if(table.begin(), table.end(), [&](const FlagSpec& f) { return f.name == name; });
    if (spec == table.end()) {
      if (!keep_others) return InvalidArgument("unknown flag '" + arg + "'");
      line.rest.push_back(arg);
      continue;
    }
    std::string value;
    if (!spec->takes_value) {
      if (eq != std::string::npos) return InvalidArgument(name + " takes no value");
    } else if (eq != std::string::npos) {
      value = arg.substr(eq + 1);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    }
    if (spec->takes_value && value.empty()) return InvalidArgument(name + " needs a value");
    line.flags.push_back({*spec, std::move(value)});
  }
  return line;
}

Status LoadOptions(Options& options, const CommandLine& line) {
  INCUERA_RETURN_IF_ERROR(LoadOptionsFromEnvironment(options, line.Value("--env-file", ".env")));
  for (const CommandLine::Given& given : line.flags) {
    if (given.spec.variable.empty()) continue;
    Status s = ApplyEnvironment(options, {{given.spec.variable, given.value}});
    if (!s.ok()) {
      return InvalidArgument("invalid " + given.spec.name + " '" + given.value + "' (" +
                             s.message() + ")");
    }
  }
  return OkStatus();
}

}  // namespace incuera
