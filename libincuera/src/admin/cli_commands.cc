// The admin commands: one table row per command (path, flags, handler); the
// parser, help and error reporting are shared.
#include "incuera/cli_commands.h"

#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <charconv>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "admin/input_rules.h"
#include "core/text.h"
#include "incuera/analysis.h"
#include "incuera/render.h"

namespace incuera {
namespace {

namespace json = boost::json;

// One flag a command accepts. A flag without a metavar is a switch.
struct FlagSpec {
  std::string_view name;  // without the leading "--"
  std::string_view metavar;
  bool required = false;
  bool repeated = false;
  std::string_view help;
};

// The parsed flags of one invocation.
class Args {
 public:
  bool Has(const std::string& name) const { return values_.count(name) > 0; }
  std::string Get(const std::string& name) const {
    auto it = values_.find(name);
    return it == values_.end() ? std::string() : it->second.front();
  }
  std::vector<std::string> All(const std::string& name) const {
    auto it = values_.find(name);
    return it == values_.end() ? std::vector<std::string>() : it->second;
  }
  void Add(const std::string& name, std::string value) {
    values_[name].push_back(std::move(value));
  }

 private:
  std::map<std::string, std::vector<std::string>> values_;
};

// What a handler works with: the admin service, called as the system, and
// the time the command runs at (the Engine's clock).
struct Context {
  Admin& admin;
  const Principal& system;
  std::ostream& out;
  TimeMs now;
};

using Handler = Status (*)(Context&, const Args&);

struct Command {
  std::string_view path;  // "user add"
  std::string_view summary;
  std::vector<FlagSpec> flags;
  Handler run;
};

constexpr FlagSpec kJsonFlag{"json", "", false, false, "print a JSON array instead of a table"};

// ---- output helpers -------------------------------------------------------

// "2026-11-23 11:20:05Z", or "-" for an absent time.
std::string FormatTime(std::optional<TimeMs> ms) {
  if (!ms || *ms <= 0) return "-";
  std::time_t seconds = static_cast<std::time_t>(*ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%SZ", &tm);
  return buffer;
}

json::value OptionalTime(std::optional<TimeMs> ms) {
  return ms ? json::value(*ms) : json::value(nullptr);
}

// Prints rows under headers, each column as wide as its widest cell.
void PrintTable(std::ostream& out, const std::vector<std::string>& headers,
                const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths(headers.size());
  for (std::size_t c = 0; c < headers.size(); ++c) widths[c] = headers[c].size();
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  auto print = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      line += cells[c];
      if (c + 1 < cells.size()) line += std::string(widths[c] - cells[c].size() + 2, ' ');
    }
    out << line << "\n";
  };
  print(headers);
  for (const auto& row : rows) print(row);
}

// ---- lookups shared by handlers -------------------------------------------

// Who resolves a project slug: its owner when --owner is given, else the
// system (then the slug must be unique across owners).
Result<Principal> SlugScope(Context& ctx, const Args& args) {
  if (!args.Has("owner")) return ctx.system;
  return ctx.admin.AsUser(ctx.system, args.Get("owner"));
}

// ---- handlers -------------------------------------------------------------

Status Migrate(Context& ctx, const Args&) {
  INCUERA_ASSIGN_OR_RETURN(MigrateResult r, ctx.admin.Migrate(ctx.system));
  ctx.out << "applied " << r.applied << " migration(s); schema version " << r.version << " ("
          << r.backend << ")\n";
  return OkStatus();
}

Status UserAdd(Context& ctx, const Args& args) {
  INCUERA_ASSIGN_OR_RETURN(
      User created,
      ctx.admin.CreateUser(ctx.system, args.Get("email"), args.Get("password"), args.Has("admin")));
  ctx.out << "created " << (created.is_admin ? "admin " : "") << "user " << created.email << " ("
          << created.id << ")\n";
  return OkStatus();
}

Status UserList(Context& ctx, const Args& args) {
  INCUERA_ASSIGN_OR_RETURN(std::vector<User> users, ctx.admin.ListUsers(ctx.system));
  if (args.Has("json")) {
    json::array rows;
    for (const User& u : users) {
      rows.push_back(json::object{{"id", u.id},
                                  {"email", u.email},
                                  {"is_admin", u.is_admin},
                                  {"created_at", u.created_at}});
    }
    ctx.out << json::serialize(rows) << "\n";
    return OkStatus();
  }
  std::vector<std::vector<std::string>> rows;
  for (const User& u : users) {
    rows.push_back({u.email, u.is_admin ? "yes" : "no", FormatTime(u.created_at), u.id});
  }
  PrintTable(ctx.out, {"EMAIL", "ADMIN", "CREATED", "ID"}, rows);
  return OkStatus();
}

Status UserPasswd(Context& ctx, const Args& args) {
  INCUERA_ASSIGN_OR_RETURN(
      User user, ctx.admin.SetPassword(ctx.system, args.Get("email"), args.Get("password")));
  ctx.out << "password changed for " << user.email << "; every login of the user is signed out\n";
  return OkStatus();
}

Status ProjectAdd(Context& ctx, const Args& args) {
  ProjectChanges changes;
  changes.name = args.Get("name");
  if (args.Has("slug")) changes.slug = args.Get("slug");
  changes.domains = args.All("domain");
  INCUERA_ASSIGN_OR_RETURN(Principal owner, ctx.admin.AsUser(ctx.system, args.Get("owner")));
  INCUERA_ASSIGN_OR_RETURN(ProjectSummary created, ctx.admin.CreateProject(owner, changes));
  ctx.out << "created project " << created.slug << " (" << created.id << ") owned by "
          << owner.user->email << "\n";
  return OkStatus();
}

Status ProjectList(Context& ctx, const Args& args) {
  INCUERA_ASSIGN_OR_RETURN(Principal who, SlugScope(ctx, args));
  INCUERA_ASSIGN_OR_RETURN(std::vector<ProjectSummary> projects, ctx.admin.ListProjects(who));
  INCUERA_ASSIGN_OR_RETURN(std::vector<User> users, ctx.admin.ListUsers(ctx.system));
  std::map<std::string, std::string> emails;
  for (const User& u : users) emails[u.id] = u.email;
  if (args.Has("json")) {
    json::array rows;
    for (const ProjectSummary& p : projects) {
      json::array domains(p.domains.begin(), p.domains.end());
      rows.push_back(json::object{{"id", p.id},
                                  {"slug", p.slug},
                                  {"name", p.name},
                                  {"owner_id", p.owner_id},
                                  {"owner_email", emails[p.owner_id]},
                                  {"domains", domains},
                                  {"session_count", p.session_count},
                                  {"created_at", p.created_at}});
    }
    ctx.out << json::serialize(rows) << "\n";
    return OkStatus();
  }
  std::vector<std::vector<std::string>> rows;
  for (const ProjectSummary& p : projects) {
    rows.push_back({p.slug, p.name, emails[p.owner_id],
                    p.domains.empty() ? "*" : internal::Join(p.domains, ","),
                    std::to_string(p.session_count), FormatTime(p.created_at), p.id});
  }
  PrintTable(ctx.out, {"SLUG", "NAME", "OWNER", "DOMAINS", "SESSIONS", "CREATED", "ID"}, rows);
  return OkStatus();
}

Status ProjectRm(Context& ctx, const Args& args) {
  INCUERA_ASSIGN_OR_RETURN(Principal owner, SlugScope(ctx, args));
  INCUERA_ASSIGN_OR_RETURN(ProjectSummary project, ctx.admin.GetProject(owner, args.Get("slug")));
  INCUERA_RETURN_IF_ERROR(ctx.admin.DeleteProject(owner, project.id));
  ctx.out << "deleted project " << project.slug << " with its keys, sessions and stored files\n";
  return OkStatus();
}

Status ProjectUsage(Context& ctx, const Args& args) {
  INCUERA_ASSIGN_OR_RETURN(Principal who, SlugScope(ctx, args));
  INCUERA_ASSIGN_OR_RETURN(StorageUsage u, ctx.admin.ProjectUsage(who, args.Get("project")));
  if (args.Has("json")) {
    ctx.out << json::serialize(json::object{{"sessions", u.sessions},
                                            {"event_bytes", u.event_bytes},
                                            {"raw_event_bytes", u.raw_event_bytes},
                                            {"object_bytes", u.object_bytes},
                                            {"total_bytes", u.event_bytes + u.object_bytes}})
            << "\n";
    return OkStatus();
  }
  PrintTable(ctx.out, {"SESSIONS", "EVENTS (STORED)", "EVENTS (RECEIVED)", "FILES", "TOTAL"},
             {{std::to_string(u.sessions), std::to_string(u.event_bytes) + " B",
               std::to_string(u.raw_event_bytes) + " B", std::to_string(u.object_bytes) + " B",
               std::to_string(u.event_bytes + u.object_bytes) + " B"}});
  return OkStatus();
}

Status KeyCreate(Context& ctx, const Args& args) {
  INCUERA_ASSIGN_OR_RETURN(KeyScope scope, ParseKeyScope(args.Get("scope")));
  INCUERA_ASSIGN_OR_RETURN(Principal who, SlugScope(ctx, args));
  INCUERA_ASSIGN_OR_RETURN(ProjectSummary project, ctx.admin.GetProject(who, args.Get("project")));
  INCUERA_ASSIGN_OR_RETURN(
      NewApiKey created,
      ctx.admin.CreateApiKey(who, project.id,
                             args.Has("name") ? args.Get("name") : std::string(KeyScopeName(scope)),
                             scope));
  if (args.Has("json")) {
    ctx.out << json::serialize(json::object{{"id", created.key.id},
                                            {"project", project.slug},
                                            {"name", created.key.name},
                                            {"scope", KeyScopeName(scope)},
                                            {"prefix", created.key.prefix},
                                            {"secret", created.secret}})
            << "\n";
    return OkStatus();
  }
  ctx.out << "created " << KeyScopeName(scope) << " key \"" << created.key.name << "\" ("
          << created.key.id << ") for project " << project.slug << "\n"
          << created.secret << "\n"
          << "This secret is shown only once; store it now.\n";
  return OkStatus();
}

std::string_view KeyState(const ApiKey& key, TimeMs now) {
  if (key.revoked_at) return "revoked";
  if (key.expires_at && *key.expires_at <= now) return "expired";
  return "active";
}

Status KeyList(Context& ctx, const Args& args) {
  INCUERA_ASSIGN_OR_RETURN(Principal who, SlugScope(ctx, args));
  INCUERA_ASSIGN_OR_RETURN(std::vector<ApiKey> keys,
                           ctx.admin.ListApiKeys(who, args.Get("project")));
  if (args.Has("json")) {
    json::array rows;
    for (const ApiKey& k : keys) {
      rows.push_back(json::object{{"id", k.id},
                                  {"name", k.name},
                                  {"scope", KeyScopeName(k.scope)},
                                  {"prefix", k.prefix},
                                  {"state", KeyState(k, ctx.now)},
                                  {"created_at", k.created_at},
                                  {"last_used_at", OptionalTime(k.last_used_at)},
                                  {"expires_at", OptionalTime(k.expires_at)},
                                  {"revoked_at", OptionalTime(k.revoked_at)}});
    }
    ctx.out << json::serialize(rows) << "\n";
    return OkStatus();
  }
  std::vector<std::vector<std::string>> rows;
  for (const ApiKey& k : keys) {
    rows.push_back({k.id, k.name, std::string(KeyScopeName(k.scope)), k.prefix + "…",
                    std::string(KeyState(k, ctx.now)), FormatTime(k.created_at),
                    FormatTime(k.last_used_at)});
  }
  PrintTable(ctx.out, {"ID", "NAME", "SCOPE", "PREFIX", "STATE", "CREATED", "LAST USED"}, rows);
  return OkStatus();
}

Status KeyRevoke(Context& ctx, const Args& args) {
  std::string id = args.Get("id");
  Status status = ctx.admin.RevokeApiKey(ctx.system, "", id);
  if (status.code() == StatusCode::kNotFound) return NotFound("no key " + id);
  INCUERA_RETURN_IF_ERROR(status);
  ctx.out << "revoked key " << id << "\n";
  return OkStatus();
}

Status SessionsList(Context& ctx, const Args& args) {
  INCUERA_ASSIGN_OR_RETURN(Principal who, SlugScope(ctx, args));
  SessionFilter filter;
  if (args.Has("status")) {
    INCUERA_ASSIGN_OR_RETURN(filter.status, ParseSessionStatus(args.Get("status")));
  }
  PageRequest page;
  if (args.Has("limit")) {
    std::string text = args.Get("limit");
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), page.limit);
    if (ec != std::errc() || end != text.data() + text.size() || page.limit < 1 ||
        page.limit > 500) {
      return InvalidArgument("--limit must be a number from 1 to 500");
    }
  }
  // The service hands out bounded pages; walk them up to --limit.
  Page<Session> sessions;
  const int limit = page.limit;
  do {
    page.limit = limit - static_cast<int>(sessions.items.size());
    INCUERA_ASSIGN_OR_RETURN(Page<Session> more,
                             ctx.admin.ListSessions(who, args.Get("project"), filter, page));
    for (Session& s : more.items) sessions.items.push_back(std::move(s));
    page.cursor = more.next_cursor;
  } while (!page.cursor.empty() && static_cast<int>(sessions.items.size()) < limit);
  if (args.Has("json")) {
    json::array rows;
    for (const Session& s : sessions.items) {
      rows.push_back(json::object{{"id", s.id},
                                  {"client_id", s.client_session_id},
                                  {"status", SessionStatusName(s.status)},
                                  {"started_at", s.started_at},
                                  {"ended_at", OptionalTime(s.ended_at)},
                                  {"duration_ms", s.duration_ms},
                                  {"event_count", s.event_count},
                                  {"user_id", s.user_id},
                                  {"user_email", s.user_email},
                                  {"url", s.url}});
    }
    ctx.out << json::serialize(rows) << "\n";
    return OkStatus();
  }
  std::vector<std::vector<std::string>> rows;
  for (const Session& s : sessions.items) {
    rows.push_back({s.id, std::string(SessionStatusName(s.status)), FormatTime(s.started_at),
                    std::to_string(s.duration_ms / 1000) + "s", std::to_string(s.event_count),
                    s.user_email.empty() ? s.user_id : s.user_email, s.url});
  }
  PrintTable(ctx.out, {"ID", "STATUS", "STARTED", "DURATION", "EVENTS", "USER", "URL"}, rows);
  return OkStatus();
}

// Compacts every ended session of the project (sessions are compacted by
// their render; this is for those stored before that, or never rendered).
Status SessionsCompact(Context& ctx, const Args& args) {
  INCUERA_ASSIGN_OR_RETURN(Principal who, SlugScope(ctx, args));
  INCUERA_ASSIGN_OR_RETURN(CompactTotals total,
                           ctx.admin.CompactSessions(who, args.Get("project")));
  const std::int64_t sessions = total.sessions;
  if (args.Has("json")) {
    ctx.out << json::serialize(json::object{{"sessions", sessions},
                                            {"chunks_before", total.chunks_before},
                                            {"chunks_after", total.chunks_after},
                                            {"bytes_before", total.stored_bytes_before},
                                            {"bytes_after", total.stored_bytes_after}})
            << "\n";
    return OkStatus();
  }
  ctx.out << "compacted " << sessions << " ended session(s): " << total.chunks_before
          << " chunks -> " << total.chunks_after << ", " << total.stored_bytes_before << " -> "
          << total.stored_bytes_after << " bytes\n";
  return OkStatus();
}

Status VisitorErase(Context& ctx, const Args& args) {
  INCUERA_ASSIGN_OR_RETURN(Principal who, SlugScope(ctx, args));
  INCUERA_ASSIGN_OR_RETURN(std::int64_t removed,
                           ctx.admin.EraseVisitor(who, args.Get("project"), args.Get("user")));
  ctx.out << "removed " << removed << " session(s) of that visitor with their events and files\n";
  return OkStatus();
}

Status RetentionApply(Context& ctx, const Args& args) {
  INCUERA_ASSIGN_OR_RETURN(RetentionResult r, ctx.admin.ApplyRetention(ctx.system, ctx.now));
  if (args.Has("json")) {
    ctx.out << json::serialize(json::object{{"sessions_removed", r.sessions_removed}}) << "\n";
    return OkStatus();
  }
  ctx.out << "removed " << r.sessions_removed
          << " session(s) older than their project's retention, with their events and files\n";
  return OkStatus();
}

Status ObjectsSweep(Context& ctx, const Args& args) {
  int minutes = 60;
  if (args.Has("grace-minutes")) {
    std::string text = args.Get("grace-minutes");
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), minutes);
    if (ec != std::errc() || end != text.data() + text.size() || minutes < 0) {
      return InvalidArgument("--grace-minutes must be a number of minutes, 0 or more");
    }
  }
  INCUERA_ASSIGN_OR_RETURN(
      OrphanSweepResult r,
      ctx.admin.SweepOrphanObjects(ctx.system, ctx.now, std::chrono::minutes(minutes)));
  if (args.Has("json")) {
    ctx.out << json::serialize(json::object{{"objects_removed", r.objects_removed},
                                            {"sessions_cleared", r.sessions_cleared}})
            << "\n";
    return OkStatus();
  }
  ctx.out << "removed " << r.objects_removed << " file(s) of " << r.sessions_cleared
          << " session(s) that no longer exist\n";
  return OkStatus();
}

// ---- render and analyze ----------------------------------------------------

// The events of --events FILE (a JSON array) or of the stored --session ID.
Result<std::string> LoadEvents(Context& ctx, const Args& args) {
  if (args.Has("session")) return ctx.admin.SessionEvents(ctx.system, args.Get("session"));
  if (!args.Has("events")) return InvalidArgument("give --events FILE or --session ID");
  std::ifstream in(args.Get("events"), std::ios::binary);
  if (!in) return NotFound("cannot read " + args.Get("events"));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A one-line progress bar on stderr, only when it is a terminal.
void ShowProgress(double done) {
  if (!isatty(STDERR_FILENO)) return;
  int filled = static_cast<int>(done * 30);
  std::cerr << "\r[" << std::string(filled, '#') << std::string(30 - filled, ' ') << "] "
            << static_cast<int>(done * 100) << "%" << (done >= 1 ? "\n" : "") << std::flush;
}

Status Render(Context& ctx, const Args& args) {
  INCUERA_ASSIGN_OR_RETURN(std::string events, LoadEvents(ctx, args));
  std::string out = args.Has("out") ? args.Get("out") : ".";
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  if (ec) return InvalidArgument("cannot create " + out + ": " + ec.message());
  RenderRequest request{events, out, RenderOptions{}, ShowProgress};
  INCUERA_ASSIGN_OR_RETURN(RenderResult r, RenderSession(request));
  ctx.out << "video:     " << r.video_path << " (" << r.video_duration_ms / 1000.0 << " s)\n"
          << "thumbnail: " << r.thumbnail_path << "\n"
          << "keyframes: " << r.keyframes_index_path << " (" << r.keyframe_paths.size() << ")\n"
          << "placement: " << r.info_path << "\n"
          << "frames:    " << r.video_frames << " shown, " << r.frames_encoded << " encoded, "
          << r.frames_captured << " captured; capture " << r.capture_seconds << " s, encode "
          << r.encode_seconds << " s\n";
  return OkStatus();
}

Status Analyze(Context& ctx, const Args& args) {
  INCUERA_ASSIGN_OR_RETURN(std::string events, LoadEvents(ctx, args));
  Analyzer analyzer(AnalysisOptions{}, {});
  INCUERA_RETURN_IF_ERROR(analyzer.Feed(events));
  INCUERA_RETURN_IF_ERROR(analyzer.CheckComplete());
  SessionAnalytics r = analyzer.Finish();
  if (args.Has("json")) {
    ctx.out << "{\"counts\":" << r.ActionCountsJson() << ",\"metrics\":" << r.MetricsJson()
            << ",\"errors\":" << r.ErrorsJson() << ",\"funnel\":" << r.FunnelJson()
            << ",\"heatmap\":" << r.HeatmapJson() << "}\n";
    return OkStatus();
  }
  ctx.out << "duration " << r.duration_ms / 1000.0 << " s (active " << r.active_ms / 1000.0
          << " s, idle " << r.idle_ms / 1000.0 << " s)\n"
          << "actions  " << r.ActionCountsJson() << "\n"
          << "rage clicks " << r.rage_clicks.size() << ", dead clicks " << r.dead_clicks.size()
          << ", errors " << r.errors.size() << "\n\n"
          << r.timeline << "\n";
  return OkStatus();
}

// ---- the command table ----------------------------------------------------

const std::vector<Command>& Commands() {
  static const std::vector<Command> kCommands = {
      {"migrate", "apply pending database migrations", {}, Migrate},
      {"user add",
       "create a dashboard user",
       {{"email", "EMAIL", true, false, "login email (stored lower-case)"},
        {"password", "PASSWORD", true, false, "at least 8 characters"},
        {"admin", "", false, false, "make the user an administrator"}},
       UserAdd},
      {"user list", "list users", {kJsonFlag}, UserList},
      {"user passwd",
       "set a user's password",
       {{"email", "EMAIL", true, false, "the user"},
        {"password", "PASSWORD", true, false, "the new password, at least 8 characters"}},
       UserPasswd},
      {"project add",
       "create a project",
       {{"name", "NAME", true, false, "display name"},
        {"owner", "EMAIL", true, false, "the owning user"},
        {"slug", "SLUG", false, false, "URL name; default: derived from the name"},
        {"domain", "DOMAIN", false, true, "origin allowed to send events (repeatable)"}},
       ProjectAdd},
      {"project list",
       "list projects",
       {{"owner", "EMAIL", false, false, "only this user's projects"}, kJsonFlag},
       ProjectList},
      {"project rm",
       "delete a project with its keys, sessions and events",
       {{"slug", "SLUG", true, false, "the project"}, {"owner", "EMAIL", true, false, "its owner"}},
       ProjectRm},
      {"project usage",
       "show the storage a project's sessions take: events as stored and received, files",
       {{"project", "SLUG", true, false, "the project"},
        {"owner", "EMAIL", false, false, "the project's owner, when the slug is ambiguous"},
        kJsonFlag},
       ProjectUsage},
      {"key create",
       "create an API key and print its secret once",
       {{"project", "SLUG", true, false, "the project"},
        {"owner", "EMAIL", false, false, "the project's owner, when the slug is ambiguous"},
        {"scope", "ingest|read", true, false, "what the key may do"},
        {"name", "NAME", false, false, "a label; default: the scope"},
        {"json", "", false, false, "print the key as a JSON object"}},
       KeyCreate},
      {"key list",
       "list a project's API keys (prefixes only)",
       {{"project", "SLUG", true, false, "the project"},
        {"owner", "EMAIL", false, false, "the project's owner, when the slug is ambiguous"},
        kJsonFlag},
       KeyList},
      {"key revoke", "revoke an API key", {{"id", "ID", true, false, "the key id"}}, KeyRevoke},
      {"sessions list",
       "list a project's recorded sessions, newest first",
       {{"project", "SLUG", true, false, "the project"},
        {"owner", "EMAIL", false, false, "the project's owner, when the slug is ambiguous"},
        {"status", "STATUS", false, false,
         "recording, completed, discarded, rendering, ready or failed"},
        {"limit", "N", false, false, "at most N sessions (1-500, default 50)"},
        kJsonFlag},
       SessionsList},
      {"sessions compact",
       "compact the stored events of a project's ended sessions (the render does it for new ones)",
       {{"project", "SLUG", true, false, "the project"},
        {"owner", "EMAIL", false, false, "the project's owner, when the slug is ambiguous"},
        kJsonFlag},
       SessionsCompact},
      {"visitor erase",
       "remove every session of one end user (id or email) in a project, files included",
       {{"project", "SLUG", true, false, "the project"},
        {"owner", "EMAIL", false, false, "the project's owner, when the slug is ambiguous"},
        {"user", "ID|EMAIL", true, false, "the end user's id or email (from identify)"}},
       VisitorErase},
      {"retention apply",
       "remove sessions older than their project's retention_days, with their files",
       {{"json", "", false, false, "print the count as a JSON object"}},
       RetentionApply},
      {"objects sweep",
       "remove stored files whose session no longer exists (the worker does it in the background)",
       {{"grace-minutes", "N", false, false,
         "keep files written in the last N minutes (default 60)"},
        {"json", "", false, false, "print the counts as a JSON object"}},
       ObjectsSweep},
      {"render",
       "render a recording to video.mp4, thumbnail.jpg and keyframes in a directory",
       {{"events", "FILE", false, false, "a JSON array of rrweb events"},
        {"session", "ID", false, false, "or a stored session"},
        {"out", "DIR", false, false, "output directory (default: .)"}},
       Render},
      {"analyze",
       "print the analytics of a recording (counts, rage/dead clicks, errors, timeline)",
       {{"events", "FILE", false, false, "a JSON array of rrweb events"},
        {"session", "ID", false, false, "or a stored session"},
        {"json", "", false, false, "print the analytics as one JSON object"}},
       Analyze},
  };
  return kCommands;
}

std::string CommandUsage(const Command& command) {
  std::string text = "Usage: incuera " + std::string(command.path);
  for (const FlagSpec& f : command.flags) {
    std::string flag = "--" + std::string(f.name);
    if (!f.metavar.empty()) flag += " " + std::string(f.metavar);
    if (f.repeated) flag += "...";
    text += " " + (f.required ? flag : "[" + flag + "]");
  }
  text += "\n\n" + std::string(command.summary) + ".\n";
  if (!command.flags.empty()) text += "\nFlags:\n";
  for (const FlagSpec& f : command.flags) {
    std::string flag = "--" + std::string(f.name);
    if (!f.metavar.empty()) flag += " " + std::string(f.metavar);
    flag.resize(std::max<std::size_t>(flag.size() + 2, 24), ' ');
    text += "  " + flag + std::string(f.help) + "\n";
  }
  return text;
}

std::string TopUsage() {
  std::string text =
      "Usage: incuera [--database-url URL] [--env-file PATH] <command> [flags]\n\n"
      "Administers an Incuera database (DATABASE_URL, default sqlite://var/incuera.db).\n\n"
      "Commands:\n";
  for (const Command& c : Commands()) {
    std::string path(c.path);
    path.resize(std::max<std::size_t>(path.size() + 2, 16), ' ');
    text += "  " + path + std::string(c.summary) + "\n";
  }
  text += "\nRun 'incuera <command> --help' for its flags.\n";
  return text;
}

bool IsHelp(const std::string& arg) { return arg == "--help" || arg == "-h" || arg == "help"; }

// The outcome of parsing: a command to run with its flags, or an exit code
// when parsing already finished the job (help printed, usage error reported).
struct Parsed {
  const Command* command = nullptr;
  Args args;
  std::optional<int> exit_code;
};

Parsed Parse(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err) {
  Parsed parsed;
  auto usage_error = [&](const std::string& message, const std::string& usage) {
    err << "incuera: " << message << "\n\n" << usage;
    parsed.exit_code = CliCommands::kUsageError;
    return parsed;
  };
  if (argv.empty()) return usage_error("no command given", TopUsage());
  if (IsHelp(argv[0])) {
    out << TopUsage();
    parsed.exit_code = CliCommands::kOk;
    return parsed;
  }

  // The command is the longest table path matching the leading words.
  std::size_t words = 0;
  for (const Command& c : Commands()) {
    std::vector<std::string> path = internal::Split(c.path, ' ');
    if (path.size() > argv.size() || path.size() <= words) continue;
    if (std::equal(path.begin(), path.end(), argv.begin())) {
      parsed.command = &c;
      words = path.size();
    }
  }
  if (!parsed.command) {
    std::string group_usage;
    for (const Command& c : Commands()) {
      if (internal::Split(c.path, ' ').front() == argv[0]) {
        group_usage += "  incuera " + std::string(c.path) + "  " + std::string(c.summary) + "\n";
      }
    }
    if (group_usage.empty()) return usage_error("unknown command '" + argv[0] + "'", TopUsage());
    group_usage = "Commands:\n" + group_usage;
    if (argv.size() > 1 && IsHelp(argv[1])) {
      out << group_usage;
      parsed.exit_code = CliCommands::kOk;
      return parsed;
    }
    std::string what = argv.size() > 1 ? "unknown command '" + argv[0] + " " + argv[1] + "'"
                                       : "'" + argv[0] + "' needs a subcommand";
    return usage_error(what, group_usage);
  }

  const Command& command = *parsed.command;
  const std::string usage = CommandUsage(command);
  for (std::size_t i = words; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (IsHelp(arg)) {
      out << usage;
      parsed.exit_code = CliCommands::kOk;
      return parsed;
    }
    if (!internal::StartsWith(arg, "--"))
      return usage_error("unexpected argument '" + arg + "'", usage);
    std::string name = arg.substr(2), value;
    bool inline_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
      inline_value = true;
    }
    auto spec = std::find_if(command.flags.begin(), command.flags.end(),
                             [&](const FlagSpec& f) { return f.name == name; });
    if (spec == command.flags.end()) return usage_error("unknown flag --" + name, usage);
    if (spec->metavar.empty()) {
      if (inline_value) return usage_error("--" + name + " takes no value", usage);
    } else if (!inline_value) {
      if (i + 1 >= argv.size()) return usage_error("--" + name + " needs a value", usage);
      value = argv[++i];
    }
    if (parsed.args.Has(name) && !spec->repeated) {
      return usage_error("--" + name + " given twice", usage);
    }
    parsed.args.Add(name, value);
  }
  for (const FlagSpec& f : command.flags) {
    if (f.required && !parsed.args.Has(std::string(f.name))) {
      return usage_error("missing --" + std::string(f.name), usage);
    }
  }
  return parsed;
}

}  // namespace

CliCommands::CliCommands(Engine& engine, std::ostream& out, std::ostream& err)
    : admin_(engine), env_(engine.env()), out_(out), err_(err) {}

std::optional<int> CliCommands::RunWithoutStore(const std::vector<std::string>& args,
                                                std::ostream& out, std::ostream& err) {
  return Parse(args, out, err).exit_code;
}

int CliCommands::Run(const std::vector<std::string>& args) {
  Parsed parsed = Parse(args, out_, err_);
  if (parsed.exit_code) return *parsed.exit_code;
  const Principal system = Principal::System();
  Context ctx{admin_, system, out_, env_.NowMs()};
  Status status = parsed.command->run(ctx, parsed.args);
  if (status.ok()) return kOk;
  err_ << "incuera " << parsed.command->path << ": " << status.message() << "\n";
  return status.code() == StatusCode::kInvalidArgument ? kUsageError : kFailed;
}

}  // namespace incuera
