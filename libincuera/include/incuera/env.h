// Env: what the library takes from its surroundings — the wall clock, the
// log, and environment variables — behind one interface, as leveldb's Env.
// Options::env picks one for an Engine (the process's by default), so tests
// drive time and read the log instead of sleeping and scraping stderr, and
// embedders send the log where they want it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "incuera/model.h"

namespace incuera {

class Env {
 public:
  virtual ~Env() = default;

  // Milliseconds since the Unix epoch (the wall clock). Thread-safe.
  virtual TimeMs NowMs() = 0;
  // Writes one log line: a JSON object, without its newline. Thread-safe.
  virtual void Log(std::string_view json_line) = 0;
  // The value of the environment variable `name`; nullopt when unset.
  virtual std::optional<std::string> GetVariable(const std::string& name) = 0;

  // The process's: the system clock, stderr and the process environment.
  // Stateless and never destroyed; shared by every Engine that names none.
  static Env& Default();
};

// Forwards every call to `target` (which must outlive it): override one
// method to fake it, e.g. a clock a test moves by hand.
class EnvWrapper : public Env {
 public:
  explicit EnvWrapper(Env& target) : target_(target) {}
  TimeMs NowMs() override { return target_.NowMs(); }
  void Log(std::string_view json_line) override { target_.Log(json_line); }
  std::optional<std::string> GetVariable(const std::string& name) override {
    return target_.GetVariable(name);
  }

 private:
  Env& target_;
};

}  // namespace incuera
