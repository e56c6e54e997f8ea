#include "incuera/env.h"

#include <cstdio>
#include <cstdlib>

namespace incuera {
namespace {

class ProcessEnv final : public Env {
 public:
  TimeMs NowMs() override { return incuera::NowMs(); }
  void Log(std::string_view json_line) override {
    // One write per line, so lines of several threads do not interleave.
    std::string line(json_line);
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stderr);
  }
  std::optional<std::string> GetVariable(const std::string& name) override {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  }
};

}  // namespace

Env& Env::Default() {
  static ProcessEnv env;  // stateless
  return env;
}

}  // namespace incuera
