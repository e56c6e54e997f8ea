// Admin: what only the system caller may do — users, acting as a user,
// migrations, retention — and compaction of a project's sessions.
#include "admin/input_rules.h"
#include "incuera/admin.h"
#include "incuera/store.h"

namespace incuera {
namespace {

Status RequireSystem(const Principal& who) {
  if (!who.system) return PermissionDenied("only the system caller (CLI, bindings) may do this");
  return OkStatus();
}

}  // namespace

Result<User> Admin::FindUser(const Principal& who, std::string_view email_or_id) {
  INCUERA_RETURN_IF_ERROR(RequireSystem(who));
  Result<User> user = NotFound("");
  if (IsUuid(email_or_id)) {
    user = store_.users().Get(std::string(email_or_id));
  } else {
    INCUERA_ASSIGN_OR_RETURN(std::string email, internal::LoginEmail(email_or_id));
    user = store_.users().GetByEmail(email);
  }
  if (user.status().code() == StatusCode::kNotFound) {
    return NotFound("no user " + std::string(email_or_id));
  }
  return user;
}

Result<Principal> Admin::AsUser(const Principal& who, std::string_view email_or_id) {
  INCUERA_ASSIGN_OR_RETURN(User user, FindUser(who, email_or_id));
  Principal as;
  as.user = std::move(user);
  return as;
}

Result<User> Admin::CreateUser(const Principal& who, std::string_view email,
                               std::string_view password, bool is_admin) {
  INCUERA_RETURN_IF_ERROR(RequireSystem(who));
  User user;
  INCUERA_ASSIGN_OR_RETURN(user.email, internal::AccountEmail(email));
  INCUERA_RETURN_IF_ERROR(internal::CheckPassword(password));
  user.is_admin = is_admin;
  auto existing = store_.users().GetByEmail(user.email);
  if (existing.ok()) return AlreadyExists("user " + user.email + " already exists");
  if (existing.status().code() != StatusCode::kNotFound) return existing.status();
  INCUERA_ASSIGN_OR_RETURN(user.password_hash, engine_.auth().HashPassword(password));
  auto created = store_.users().Create(user);
  if (created.status().code() == StatusCode::kAlreadyExists) {
    return AlreadyExists("user " + user.email + " already exists");
  }
  return created;
}

Result<std::vector<User>> Admin::ListUsers(const Principal& who) {
  INCUERA_RETURN_IF_ERROR(RequireSystem(who));
  return store_.users().List();
}

Result<User> Admin::SetPassword(const Principal& who, std::string_view email_or_id,
                                std::string_view password) {
  INCUERA_RETURN_IF_ERROR(internal::CheckPassword(password));
  INCUERA_ASSIGN_OR_RETURN(User user, FindUser(who, email_or_id));
  // every login token of the user is revoked with the old password
  INCUERA_RETURN_IF_ERROR(engine_.auth().ChangePassword(user.id, password));
  return user;
}

Result<LoginToken> Admin::ChangeOwnPassword(const Principal& who, std::string_view current_password,
                                            std::string_view new_password,
                                            const std::string& client_ip, int* retry_after) {
  if (!who.user) return PermissionDenied("only a signed-in user changes their own password");
  INCUERA_RETURN_IF_ERROR(internal::CheckPassword(new_password));
  const User& user = *who.user;
  INCUERA_RETURN_IF_ERROR(ReserveAttempt(user.email, client_ip, retry_after));
  // The stored hash, not the one read when the token was checked: a change
  // made meanwhile by another login counts.
  Result<User> stored = store_.users().Get(user.id);
  if (!stored.ok()) {
    ReleaseAttempt(user.email, client_ip);
    return stored.status();
  }
  if (!engine_.auth().VerifyPassword(current_password, stored->password_hash).ok) {
    return PermissionDenied("the current password is wrong");
  }
  AttemptSucceeded(user.email, client_ip);
  // Every login of the user, the caller's included, is signed out with the
  // old password; the caller gets a new one.
  INCUERA_RETURN_IF_ERROR(engine_.auth().ChangePassword(user.id, new_password));
  return NewLogin(*stored);
}

Result<MigrateResult> Admin::Migrate(const Principal& who) {
  INCUERA_RETURN_IF_ERROR(RequireSystem(who));
  MigrateResult r;
  INCUERA_ASSIGN_OR_RETURN(r.applied, store_.Migrate());
  INCUERA_ASSIGN_OR_RETURN(r.version, store_.SchemaVersion());
  r.backend = std::string(store_.backend());
  return r;
}

Result<RetentionResult> Admin::ApplyRetention(const Principal& who, TimeMs now) {
  INCUERA_RETURN_IF_ERROR(RequireSystem(who));
  RetentionResult total;
  do {
    INCUERA_ASSIGN_OR_RETURN(RetentionResult batch, incuera::ApplyRetention(engine_, now));
    total.sessions_removed += batch.sessions_removed;
    total.more = batch.more;
  } while (total.more);
  return total;
}

Result<OrphanSweepResult> Admin::SweepOrphanObjects(const Principal& who, TimeMs now,
                                                    std::chrono::milliseconds grace) {
  INCUERA_RETURN_IF_ERROR(RequireSystem(who));
  OrphanSweepOptions options;
  options.grace = grace;
  OrphanSweepResult total;
  do {
    INCUERA_ASSIGN_OR_RETURN(OrphanSweepResult run,
                             incuera::SweepOrphanObjects(engine_, now, total.cursor, options));
    total.objects_removed += run.objects_removed;
    total.sessions_cleared += run.sessions_cleared;
    total.cursor = run.cursor;
  } while (!total.cursor.empty());
  return total;
}

Result<CompactTotals> Admin::CompactSessions(const Principal& who, std::string_view project_ref) {
  INCUERA_RETURN_IF_ERROR(RequireUser(who));
  INCUERA_ASSIGN_OR_RETURN(Project project, OwnedProject(who, project_ref));
  SessionFilter filter;
  filter.project_id = project.id;
  PageRequest page{"", 500};
  CompactTotals total;
  do {
    INCUERA_ASSIGN_OR_RETURN(Page<Session> listed, store_.sessions().List(filter, page));
    for (const Session& s : listed.items) {
      if (s.status == SessionStatus::kRecording) continue;
      INCUERA_ASSIGN_OR_RETURN(CompactResult r, store_.events().Compact(s.id));
      ++total.sessions;
      total.chunks_before += r.chunks_before;
      total.chunks_after += r.chunks_after;
      total.stored_bytes_before += r.stored_bytes_before;
      total.stored_bytes_after += r.stored_bytes_after;
    }
    page.cursor = listed.next_cursor;
  } while (!page.cursor.empty());
  return total;
}

}  // namespace incuera
