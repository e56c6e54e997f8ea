// Admin: logins, credentials, and the scope rules for projects and keys.
// Sessions are in admin_sessions.cc.
#include "incuera/admin.h"

#include <map>
#include <mutex>

#include "admin/input_rules.h"
#include "admin/login_limiter.h"
#include "core/text.h"
#include "engine/store_access.h"
#include "incuera/env.h"
#include "incuera/lifecycle.h"
#include "incuera/object_store.h"
#include "incuera/store.h"

namespace incuera {
namespace {

Status SlugTaken(const Result<Project>& r, const std::string& slug) {
  if (r.status().code() == StatusCode::kAlreadyExists) {
    return AlreadyExists("you already have a project with the slug '" + slug + "'");
  }
  return r.status();
}

// The project with this slug when exactly one owner has it (the system's
// lookup by slug).
Result<Project> UniqueSlug(Store& store, const std::string& slug) {
  INCUERA_ASSIGN_OR_RETURN(std::vector<Project> all, store.projects().List(""));
  std::vector<Project> matches;
  for (Project& project : all) {
    if (project.slug == slug) matches.push_back(std::move(project));
  }
  if (matches.empty()) return NotFound("project not found");
  if (matches.size() > 1) {
    return InvalidArgument("several owners have a project '" + slug + "'; name its owner or id");
  }
  return std::move(matches.front());
}

// `projects` with their session counts, in the same order; one count query
// per distinct owner among them.
Result<std::vector<ProjectSummary>> WithSessionCounts(Store& store, std::vector<Project> projects) {
  std::map<std::string, std::map<std::string, std::int64_t>> by_owner;
  std::vector<ProjectSummary> out;
  out.reserve(projects.size());
  for (Project& project : projects) {
    auto counts = by_owner.find(project.owner_id);
    if (counts == by_owner.end()) {
      INCUERA_ASSIGN_OR_RETURN(auto owner_counts,
                               store.sessions().CountByProject(project.owner_id));
      counts = by_owner.emplace(project.owner_id, std::move(owner_counts)).first;
    }
    auto n = counts->second.find(project.id);
    out.push_back({std::move(project), n == counts->second.end() ? 0 : n->second});
  }
  return out;
}

Result<ProjectSummary> WithSessionCount(Store& store, Project project) {
  INCUERA_ASSIGN_OR_RETURN(std::vector<ProjectSummary> one,
                           WithSessionCounts(store, {std::move(project)}));
  return std::move(one.front());
}

}  // namespace

struct Admin::Limits {
  Limits(const AdminOptions& o)
      : accounts(o.max_failures_per_account, o.login_window),
        ips(o.max_failures_per_ip, o.login_window) {}
  internal::LoginLimiter accounts;
  internal::LoginLimiter ips;
  // A hash that never matches, checked when the email is unknown so that
  // both failures cost the same time.
  std::once_flag dummy_once;
  std::string dummy_hash;
};

Admin::Admin(Engine& engine)
    : engine_(engine),
      store_(internal::StoreOf(engine)),
      limits_(std::make_unique<Limits>(engine.options().admin)) {}

Admin::~Admin() = default;

Status Admin::ReserveAttempt(const std::string& email, const std::string& client_ip,
                             int* retry_after) {
  const std::string account_key = "account:" + email;
  auto now = std::chrono::steady_clock::now();
  // Each attempt counts as a failure before the hash runs (see
  // LoginLimiter::Reserve): of concurrent wrong guesses, only as many as
  // the limit allows are ever evaluated.
  int wait = limits_->accounts.Reserve(account_key, now);
  if (wait == 0 && !client_ip.empty() &&
      (wait = limits_->ips.Reserve("ip:" + client_ip, now)) > 0) {
    limits_->accounts.Release(account_key);
  }
  if (wait == 0) return OkStatus();
  if (retry_after) *retry_after = wait;
  return ResourceExhausted(
      "too many failed logins for this account or address; sign-in is "
      "blocked for " +
      std::to_string(wait) + " s (about " + std::to_string((wait + 59) / 60) +
      " min), even with the right "
      "password");
}

void Admin::ReleaseAttempt(const std::string& email, const std::string& client_ip) {
  limits_->accounts.Release("account:" + email);
  if (!client_ip.empty()) limits_->ips.Release("ip:" + client_ip);
}

void Admin::AttemptSucceeded(const std::string& email, const std::string& client_ip) {
  limits_->accounts.Clear("account:" + email);
  if (!client_ip.empty()) limits_->ips.Release("ip:" + client_ip);
}

Result<LoginToken> Admin::Login(const LoginRequest& request, int* retry_after) {
  INCUERA_ASSIGN_OR_RETURN(const std::string email, internal::LoginEmail(request.email));
  INCUERA_RETURN_IF_ERROR(ReserveAttempt(email, request.client_ip, retry_after));

  Auth& auth = engine_.auth();
  auto user = store_.users().GetByEmail(email);
  if (!user.ok() && user.status().code() != StatusCode::kNotFound) {
    ReleaseAttempt(email, request.client_ip);
    return user.status();
  }
  bool matches = false;
  if (user.ok()) {
    matches = auth.VerifyPassword(request.password, user->password_hash).ok;
  } else {
    std::call_once(limits_->dummy_once, [&] {
      auto hash = auth.HashPassword(internal::HexEncode(internal::RandomBytes(16)));
      if (hash.ok()) limits_->dummy_hash = *hash;
    });
    (void)auth.VerifyPassword(request.password, limits_->dummy_hash);
  }
  if (!matches) return Unauthenticated("invalid email or password");
  AttemptSucceeded(email, request.client_ip);
  return NewLogin(*user);
}

Result<LoginToken> Admin::NewLogin(const User& user) {
  const std::chrono::seconds ttl = engine_.options().admin.token_ttl;
  INCUERA_ASSIGN_OR_RETURN(std::string token, engine_.auth().CreateSessionToken(user.id, ttl));
  return LoginToken{std::move(token),
                    engine_.env().NowMs() + std::chrono::milliseconds(ttl).count(), user};
}

Status Admin::Logout(std::string_view token) { return engine_.auth().RevokeSessionToken(token); }

Result<Principal> Admin::Authenticate(std::string_view credential) {
  if (credential.empty()) return Unauthenticated("missing credentials");
  Principal who;
  if (internal::StartsWith(credential, "inc_")) {
    INCUERA_ASSIGN_OR_RETURN(who.key, engine_.auth().VerifyApiKey(credential, KeyScope::kRead));
  } else {
    INCUERA_ASSIGN_OR_RETURN(who.user, engine_.auth().VerifySessionToken(credential));
  }
  return who;
}

Status Admin::RequireUser(const Principal& who) {
  if (who.read_only()) return PermissionDenied("a read API key cannot change anything");
  return OkStatus();
}

Result<Project> Admin::OwnedProject(const Principal& who, std::string_view ref) {
  if (!who.user && !who.key && !who.system) return Unauthenticated("missing credentials");
  ProjectRepository& projects = store_.projects();
  const std::string r(ref);
  // An id is looked up as an id, a slug only among the caller's own
  // projects; no slug is shaped like an id, so one never stands for the other.
  Result<Project> found = NotFound("project not found");
  if (r.empty()) {
    if (!who.key) return InvalidArgument("a project (slug or id) is required");
    found = projects.Get(who.key->project_id);
  } else if (IsUuid(r)) {
    found = projects.Get(r);
  } else if (who.user) {
    found = projects.GetBySlug(who.user->id, r);
  } else if (who.key) {
    found = projects.Get(who.key->project_id);
    if (found.ok() && found->slug != r) found = NotFound("project not found");
  } else {
    found = UniqueSlug(store_, r);
  }
  if (!found.ok()) {
    if (found.status().code() == StatusCode::kNotFound) return NotFound("project not found");
    return found.status();
  }
  const bool owns = who.system || (who.user && found->owner_id == who.user->id) ||
                    (who.key && found->id == who.key->project_id);
  if (!owns) return NotFound("project not found");
  return found;
}

Result<std::vector<ProjectSummary>> Admin::ListProjects(const Principal& who) {
  std::vector<Project> projects;
  if (who.key) {
    INCUERA_ASSIGN_OR_RETURN(Project project, OwnedProject(who, ""));
    projects.push_back(std::move(project));
  } else if (who.user || who.system) {
    INCUERA_ASSIGN_OR_RETURN(projects, store_.projects().List(who.user ? who.user->id : ""));
  } else {
    return Unauthenticated("missing credentials");
  }
  return WithSessionCounts(store_, std::move(projects));
}

Result<ProjectSummary> Admin::GetProject(const Principal& who, std::string_view ref) {
  INCUERA_ASSIGN_OR_RETURN(Project project, OwnedProject(who, ref));
  return WithSessionCount(store_, std::move(project));
}

Result<ProjectQuotaUsage> Admin::GetQuotaUsage(const Principal& who, std::string_view ref) {
  INCUERA_ASSIGN_OR_RETURN(Project project, OwnedProject(who, ref));
  return engine_.quotas().Usage(project);
}

Result<StorageUsage> Admin::ProjectUsage(const Principal& who, std::string_view ref) {
  INCUERA_ASSIGN_OR_RETURN(Project project, OwnedProject(who, ref));
  return store_.sessions().Usage(project.id);
}

Result<ProjectSummary> Admin::CreateProject(const Principal& who, const ProjectChanges& changes) {
  INCUERA_RETURN_IF_ERROR(RequireUser(who));
  if (!who.user) return InvalidArgument("a project is created by its owner (see Admin::AsUser)");
  if (!changes.name) return InvalidArgument("name is required");
  Project project;
  project.owner_id = who.user->id;
  INCUERA_RETURN_IF_ERROR(internal::ApplyProjectChanges(changes, project));
  if (!changes.slug) {
    INCUERA_ASSIGN_OR_RETURN(project.slug, SlugFromName(project.name));
  }
  auto created = store_.projects().Create(project);
  if (!created.ok()) return SlugTaken(created, project.slug);
  // A new project has no sessions yet.
  return ProjectSummary{std::move(*created), 0};
}

Result<ProjectSummary> Admin::UpdateProject(const Principal& who, std::string_view ref,
                                            const ProjectChanges& changes) {
  INCUERA_RETURN_IF_ERROR(RequireUser(who));
  INCUERA_ASSIGN_OR_RETURN(Project project, OwnedProject(who, ref));
  INCUERA_RETURN_IF_ERROR(internal::ApplyProjectChanges(changes, project));
  auto updated = store_.projects().Update(project);
  if (!updated.ok()) return SlugTaken(updated, project.slug);
  return WithSessionCount(store_, std::move(*updated));
}

Status Admin::DeleteProject(const Principal& who, std::string_view ref) {
  INCUERA_RETURN_IF_ERROR(RequireUser(who));
  INCUERA_ASSIGN_OR_RETURN(Project project, OwnedProject(who, ref));
  // Sessions first: if this stops half-way, the project still leads to
  // what is left and a second delete finishes the job.
  SessionFilter filter;
  filter.project_id = project.id;
  while (true) {
    INCUERA_ASSIGN_OR_RETURN(Page<Session> sessions, store_.sessions().List(filter, {"", 500}));
    if (sessions.items.empty()) break;
    for (const Session& s : sessions.items) {
      INCUERA_RETURN_IF_ERROR(RemoveSession(engine_, s.id).status());
    }
  }
  return store_.projects().Delete(project.id);
}

Result<std::vector<ApiKey>> Admin::ListApiKeys(const Principal& who, std::string_view project_ref) {
  INCUERA_RETURN_IF_ERROR(RequireUser(who));
  INCUERA_ASSIGN_OR_RETURN(Project project, OwnedProject(who, project_ref));
  return store_.api_keys().ListByProject(project.id);
}

Result<NewApiKey> Admin::CreateApiKey(const Principal& who, std::string_view project_ref,
                                      const std::string& name, KeyScope scope,
                                      std::optional<TimeMs> expires_at) {
  INCUERA_RETURN_IF_ERROR(RequireUser(who));
  INCUERA_ASSIGN_OR_RETURN(Project project, OwnedProject(who, project_ref));
  INCUERA_ASSIGN_OR_RETURN(std::string key_name, internal::KeyName(name));
  if (expires_at && *expires_at <= engine_.env().NowMs()) {
    return InvalidArgument("expires_at must be in the future");
  }
  return engine_.auth().CreateApiKey(project.id, key_name, scope, expires_at);
}

Status Admin::RevokeApiKey(const Principal& who, std::string_view project_ref,
                           const std::string& key_id) {
  INCUERA_RETURN_IF_ERROR(RequireUser(who));
  auto key = store_.api_keys().Get(key_id);
  if (!key.ok() && key.status().code() != StatusCode::kNotFound) return key.status();
  if (!key.ok()) return NotFound("API key not found");
  std::string_view ref = project_ref.empty() && who.system ? key->project_id : project_ref;
  INCUERA_ASSIGN_OR_RETURN(Project project, OwnedProject(who, ref));
  if (key->project_id != project.id) return NotFound("API key not found");
  return engine_.auth().RevokeApiKey(key_id);
}

}  // namespace incuera
