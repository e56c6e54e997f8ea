#include "admin/input_rules.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "core/text.h"

namespace incuera::internal {
namespace {

// Trimmed `text`; InvalidArgument naming `what` when empty, longer than
// `max` or holding control characters.
Result<std::string> Text(std::string_view text, std::size_t max, std::string_view what) {
  std::string_view trimmed = Trim(text);
  if (trimmed.empty() || trimmed.size() > max) {
    return InvalidArgument(std::string(what) + " must be 1-" + std::to_string(max) + " characters");
  }
  if (HasControlChars(trimmed)) {
    return InvalidArgument(std::string(what) + " must not contain control characters");
  }
  return std::string(trimmed);
}

Result<std::string> Domain(std::string_view text) {
  std::string domain = ToLower(Trim(text));
  if (domain.empty() || domain.size() > kMaxDomain) {
    return InvalidArgument("a domain must be 1-253 characters");
  }
  // Origins ("https://shop.example") and hosts ("*.shop.example") are both
  // allowed, so only spaces, control and non-ASCII characters are refused.
  for (unsigned char c : domain) {
    if (c <= ' ' || c >= 0x7f) {
      return InvalidArgument("domain '" + domain + "' contains spaces or non-ASCII characters");
    }
  }
  return domain;
}

Status ValidateSettings(ProjectSettings& s) {
  if (s.min_duration_ms < 0 || s.min_duration_ms > 24LL * 3600 * 1000) {
    return InvalidArgument("min_duration_ms must be between 0 and 86400000");
  }
  if (!(s.sample_rate >= 0.0 && s.sample_rate <= 1.0)) {
    return InvalidArgument("sample_rate must be between 0 and 1");
  }
  if (s.retention_days < 1 || s.retention_days > 3650) {
    return InvalidArgument("retention_days must be between 1 and 3650");
  }
  // Quotas: unset (the server's default), 0 (no limit) or a positive limit
  // below a bound no counter can overflow at.
  for (const auto& [name, value] :
       {std::pair{"sessions_per_hour", s.quotas.sessions_per_hour},
        std::pair{"events_per_day", s.quotas.events_per_day},
        std::pair{"render_minutes_per_day", s.quotas.render_minutes_per_day}}) {
    if (value && (*value < 0 || *value > kMaxQuota)) {
      return InvalidArgument("quotas." + std::string(name) + " must be between 0 (no limit) and " +
                             std::to_string(kMaxQuota));
    }
  }
  if (s.funnel_steps.size() > kMaxFunnelSteps) {
    return InvalidArgument("at most " + std::to_string(kMaxFunnelSteps) + " funnel steps");
  }
  for (FunnelStep& step : s.funnel_steps) {
    INCUERA_ASSIGN_OR_RETURN(step.name, Text(step.name, kMaxName, "a funnel step's name"));
    INCUERA_ASSIGN_OR_RETURN(
        step.url_pattern,
        Text(step.url_pattern, kMaxPattern, "the URL pattern of funnel step '" + step.name + "'"));
  }
  return OkStatus();
}

}  // namespace

Status ApplyProjectChanges(const ProjectChanges& changes, Project& project) {
  if (changes.name) {
    INCUERA_ASSIGN_OR_RETURN(project.name, Text(*changes.name, kMaxName, "name"));
  }
  if (changes.slug) {
    if (IsUuid(*changes.slug)) {
      return InvalidArgument("a slug must not be shaped like an id (8-4-4-4-12 hex digits)");
    }
    if (!IsValidSlug(*changes.slug)) {
      return InvalidArgument("slug must be 1-64 characters of a-z, 0-9 and '-'");
    }
    project.slug = *changes.slug;
  }
  if (changes.domains) {
    if (changes.domains->size() > kMaxDomains) {
      return InvalidArgument("at most " + std::to_string(kMaxDomains) + " domains");
    }
    std::vector<std::string> domains;
    for (const std::string& d : *changes.domains) {
      INCUERA_ASSIGN_OR_RETURN(std::string domain, Domain(d));
      domains.push_back(std::move(domain));
    }
    project.domains = std::move(domains);
  }
  if (changes.settings) {
    ProjectSettings settings = *changes.settings;
    INCUERA_RETURN_IF_ERROR(ValidateSettings(settings));
    project.settings = std::move(settings);
  }
  return OkStatus();
}

Result<std::string> LoginEmail(std::string_view email) {
  std::string_view trimmed = Trim(email);
  if (HasControlChars(trimmed)) return InvalidArgument("email must not contain control characters");
  return ToLower(trimmed);
}

Result<std::string> AccountEmail(std::string_view email) {
  INCUERA_ASSIGN_OR_RETURN(std::string out, LoginEmail(email));
  auto at = out.find('@');
  if (at == std::string::npos || at == 0 || at + 1 == out.size() || out.size() > 254 ||
      out.find_first_of(" \t") != std::string::npos) {
    return InvalidArgument("not an email address: " + out);
  }
  return out;
}

Status CheckPassword(std::string_view password) {
  if (password.size() < 8) return InvalidArgument("password must be at least 8 characters");
  return OkStatus();
}

Result<std::string> KeyName(std::string_view name) { return Text(name, kMaxName, "key name"); }

}  // namespace incuera::internal

namespace incuera {

Result<std::string> SlugFromName(std::string_view name) {
  std::string slug;
  for (char c : name) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u) && u < 0x80) {
      slug += static_cast<char>(std::tolower(u));
    } else if (!slug.empty() && slug.back() != '-') {
      slug += '-';
    }
  }
  if (slug.size() > 64) slug.resize(64);
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  if (!IsValidSlug(slug)) {
    return InvalidArgument("cannot derive a slug from '" + std::string(name) + "'; give a slug");
  }
  return slug;
}

bool IsValidSlug(std::string_view slug) {
  if (slug.empty() || slug.size() > 64 || IsUuid(slug)) return false;
  return std::all_of(slug.begin(), slug.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

}  // namespace incuera
