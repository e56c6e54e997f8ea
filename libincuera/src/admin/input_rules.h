// What Admin accepts from a caller for a project (name, slug, domains,
// settings) and an API key name. Kept apart from Admin so that the admin
// body fuzzer (tests/fuzz/admin_fuzzer.cc) checks the same rules.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "incuera/admin.h"
#include "incuera/model.h"
#include "incuera/status.h"

namespace incuera::internal {

inline constexpr std::size_t kMaxName = 200;  // project, funnel step and key names
inline constexpr std::size_t kMaxDomain = 253;
inline constexpr std::size_t kMaxDomains = 50;
inline constexpr std::size_t kMaxFunnelSteps = 20;
inline constexpr std::size_t kMaxPattern = 500;
inline constexpr std::int64_t kMaxQuota = 1'000'000'000'000;  // per quota window

// Applies `changes` to `project`: names are trimmed, domains trimmed and
// lower-cased. InvalidArgument for the first member that breaks a rule (it
// may leave earlier members applied). Text with control characters is
// refused: PostgreSQL cannot store a NUL, and nobody means to type one.
Status ApplyProjectChanges(const ProjectChanges& changes, Project& project);

// A login email as accounts are looked up: trimmed and lower-cased.
// InvalidArgument when it holds control characters (PostgreSQL would cut a
// parameter at a NUL and find "ana@x" for "ana@x\0junk", slipping past the
// per-account login limit).
Result<std::string> LoginEmail(std::string_view email);

// The email of a new account: trimmed and lower-cased; InvalidArgument when
// it is not one (no '@' between other characters, spaces or control
// characters).
Result<std::string> AccountEmail(std::string_view email);

// InvalidArgument when a new password is shorter than 8 characters.
Status CheckPassword(std::string_view password);

// The trimmed key name; InvalidArgument when empty, longer than kMaxName or
// holding control characters.
Result<std::string> KeyName(std::string_view name);

}  // namespace incuera::internal
