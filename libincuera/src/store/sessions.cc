// Sessions over SOCI: upsert by client id, listing, lifecycle transitions.
#include <algorithm>

#include "core/text.h"
#include "store/store_internal.h"

namespace incuera::internal {
namespace {

// Columns of a Session, in the order SessionRow::Bind binds them.
constexpr const char* kSessionColumns =
    "SELECT id, project_id, client_id, user_id, user_email, url, referrer, user_agent, "
    "screen_width, screen_height, viewport_width, viewport_height, started_at, last_event_at, "
    "ended_at, end_reason, duration_ms, event_count, byte_count, chunk_count, error_count, "
    "page_count, status, failure_reason, video_key, thumbnail_key, keyframes_key, "
    "video_duration_ms, video_size, created_at, updated_at, part, previous_id, next_id, "
    "event_bytes, object_bytes "
    "FROM sessions ";

// A session row being fetched: the struct plus what SOCI needs to fill it.
struct SessionRow {
  Session s;
  long long ended_at = 0;
  soci::indicator ended_ind = soci::i_null;
  std::string status;
  soci::indicator previous_ind = soci::i_null, next_ind = soci::i_null;

  // Adds one into() per column of kSessionColumns, in order.
  void Bind(soci::statement& st) {
    st.exchange(soci::into(s.id));
    st.exchange(soci::into(s.project_id));
    st.exchange(soci::into(s.client_session_id));
    st.exchange(soci::into(s.user_id));
    st.exchange(soci::into(s.user_email));
    st.exchange(soci::into(s.url));
    st.exchange(soci::into(s.referrer));
    st.exchange(soci::into(s.user_agent));
    st.exchange(soci::into(s.screen_width));
    st.exchange(soci::into(s.screen_height));
    st.exchange(soci::into(s.viewport_width));
    st.exchange(soci::into(s.viewport_height));
    st.exchange(soci::into(s.started_at));
    st.exchange(soci::into(s.last_event_at));
    st.exchange(soci::into(ended_at, ended_ind));
    st.exchange(soci::into(s.end_reason));
    st.exchange(soci::into(s.duration_ms));
    st.exchange(soci::into(s.event_count));
    st.exchange(soci::into(s.byte_count));
    st.exchange(soci::into(s.chunk_count));
    st.exchange(soci::into(s.error_count));
    st.exchange(soci::into(s.page_count));
    st.exchange(soci::into(status));
    st.exchange(soci::into(s.failure_reason));
    st.exchange(soci::into(s.video_key));
    st.exchange(soci::into(s.thumbnail_key));
    st.exchange(soci::into(s.keyframes_key));
    st.exchange(soci::into(s.video_duration_ms));
    st.exchange(soci::into(s.video_size));
    st.exchange(soci::into(s.created_at));
    st.exchange(soci::into(s.updated_at));
    st.exchange(soci::into(s.part));
    st.exchange(soci::into(s.previous_id, previous_ind));
    st.exchange(soci::into(s.next_id, next_ind));
    st.exchange(soci::into(s.event_bytes));
    st.exchange(soci::into(s.object_bytes));
  }

  // The fetched row as a Session.
  Result<Session> Finish() const {
    Session out = s;
    out.ended_at = ended_ind == soci::i_ok ? std::optional<TimeMs>(ended_at) : std::nullopt;
    INCUERA_ASSIGN_OR_RETURN(out.status, ParseSessionStatus(status));
    if (previous_ind != soci::i_ok) out.previous_id.clear();
    if (next_ind != soci::i_ok) out.next_id.clear();
    return out;
  }
};

// Parameters of a dynamically built query, bound by name (the order in which
// a query string is assembled is not the order of its placeholders) and kept
// at stable addresses until the statement has run.
struct Params {
  std::vector<std::pair<std::string, std::unique_ptr<std::string>>> texts;
  std::vector<std::pair<std::string, std::unique_ptr<long long>>> numbers;

  // Each returns the placeholder to put in the SQL text.
  std::string Text(std::string v) {
    std::string name = NextName();
    texts.emplace_back(name, std::make_unique<std::string>(std::move(v)));
    return ":" + name;
  }
  std::string Number(long long v) {
    std::string name = NextName();
    numbers.emplace_back(name, std::make_unique<long long>(v));
    return ":" + name;
  }
  void Bind(soci::statement& st) {
    for (auto& [name, value] : texts) st.exchange(soci::use(*value, name));
    for (auto& [name, value] : numbers) st.exchange(soci::use(*value, name));
  }

 private:
  std::string NextName() { return "p" + std::to_string(texts.size() + numbers.size() + 1); }
};

// Runs `query`, whose columns are those of kSessionColumns, and returns the
// rows.
Result<std::vector<Session>> QuerySessionRows(Database& db, const std::string& query,
                                              Params& params) {
  std::vector<Session> out;
  INCUERA_RETURN_IF_ERROR(db.With([&](Connection& c) -> Status {
    SessionRow row;
    return c.ForEachRow(
        query,
        [&]() -> Status {
          INCUERA_ASSIGN_OR_RETURN(Session session, row.Finish());
          out.push_back(std::move(session));
          return OkStatus();
        },
        [&](soci::statement& st) { row.Bind(st); }, [&](soci::statement& st) { params.Bind(st); });
  }));
  return out;
}

// Runs kSessionColumns + `where` and returns the rows.
Result<std::vector<Session>> QuerySessions(Database& db, const std::string& where, Params& params) {
  return QuerySessionRows(db, kSessionColumns + where, params);
}

// Runs `query` (kSessionColumns + a condition) with `uses`; NotFound when no
// row matches.
template <class... Uses>
Result<Session> FetchOne(Database& db, const std::string& query, const Uses&... uses) {
  Result<Session> out = NotFound("session not found");
  INCUERA_RETURN_IF_ERROR(db.With([&](Connection& c) -> Status {
    SessionRow row;
    bool found = c.Run(
                      query, [&](soci::statement& st) { row.Bind(st); }, soci::use(uses)...)
                     .got_data;
    if (found) out = row.Finish();
    return OkStatus();
  }));
  return out;
}

// "%text%" for LIKE with the wildcard characters of `text` escaped by '\'.
std::string ContainsPattern(std::string_view text) {
  std::string out = "%";
  for (char c : ToLower(text)) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

// The conditions on the texts of what happened (visited URLs, clicked
// texts, console messages) on a session_fact_texts row, each " AND …";
// empty without such a filter. Values are matched without control
// characters, as they are stored: a line feed cannot reach across two values.
std::string FactTextConditions(const SessionFilter& filter, Params& params) {
  std::string out;
  for (const auto& [column, contains] :
       {std::pair{"urls", &filter.visited_url}, std::pair{"clicks", &filter.clicked_text},
        std::pair{"console", &filter.console}}) {
    if (contains->empty()) continue;
    out += std::string(" AND ") + column + " LIKE " +
           params.Text(ContainsPattern(WithoutControlChars(*contains))) + " ESCAPE '\\'";
  }
  return out;
}

// Adds the flags of what happened to `where`: failed requests and rage
// clicks are rows of session_facts (an index-only probe of
// session_facts_project_kind).
void AddFactFlags(const SessionFilter& filter, Params& params, std::string& where) {
  auto flag = [&](const char* kind) {
    where += " AND id IN (SELECT session_id FROM session_facts WHERE project_id = " +
             params.Text(filter.project_id) + " AND kind = '" + kind + "')";
  };
  if (filter.failed_request) flag("failed_request");
  if (filter.rage_click) flag("rage_click");
}

// The opaque list cursor: base64url of "<started_at>:<id>" of the last row.
std::string EncodeCursor(TimeMs started_at, const std::string& id) {
  return Base64UrlEncode(std::to_string(started_at) + ":" + id);
}

// Reads a cursor made by EncodeCursor; InvalidArgument when malformed.
Status DecodeCursor(const std::string& cursor, TimeMs& started_at, std::string& id) {
  auto bad = InvalidArgument("malformed cursor");
  Result<std::string> raw = Base64UrlDecode(cursor);
  if (!raw.ok()) return bad;
  size_t colon = raw->find(':');
  if (colon == std::string::npos || !IsUuid(raw->substr(colon + 1))) return bad;
  try {
    size_t used = 0;
    started_at = std::stoll(raw->substr(0, colon), &used);
    if (used != colon) return bad;
  } catch (...) {
    return bad;
  }
  id = raw->substr(colon + 1);
  return OkStatus();
}

// Sessions: upsert by (project, client id), cursor-paged listing, lifecycle.
class SociSessionRepository final : public SessionRepository {
 public:
  explicit SociSessionRepository(Database& db) : db_(db) {}

  Result<Session> Upsert(const SessionStart& start) override {
    if (start.client_session_id.empty()) return InvalidArgument("session without client id");
    if (!IsUuid(start.project_id)) return NotFound("project not found");
    INCUERA_RETURN_IF_ERROR(Insert(start, 1, ""));
    return GetByClientSessionId(start.project_id, start.client_session_id);
  }

  Result<Session> Continue(const Session& previous, const SessionStart& start) override {
    if (!IsUuid(previous.id)) return NotFound("session not found");
    SessionStart next = start;
    next.project_id = previous.project_id;
    next.client_session_id =
        previous.client_session_id.substr(0, previous.client_session_id.find('#')) + '#' +
        std::to_string(previous.part + 1);
    if (next.user_id.empty()) next.user_id = previous.user_id;
    if (next.user_email.empty()) next.user_email = previous.user_email;
    INCUERA_RETURN_IF_ERROR(Insert(next, previous.part + 1, previous.id));
    INCUERA_ASSIGN_OR_RETURN(Session part,
                             GetByClientSessionId(next.project_id, next.client_session_id));
    INCUERA_RETURN_IF_ERROR(db_.Write([&](Connection& c) {
      c.Run("UPDATE sessions SET next_id = :n WHERE id = :p AND next_id IS NULL",
            soci::use(part.id), soci::use(previous.id));
      return OkStatus();
    }));
    return part;
  }

  Result<Session> Get(const std::string& id) override {
    if (!IsUuid(id)) return NotFound("session not found");
    return FetchOne(db_, by_id_, id);
  }

  Result<Session> GetByClientSessionId(const std::string& project_id,
                                       const std::string& client_session_id) override {
    if (!IsUuid(project_id)) return NotFound("session not found");
    return FetchOne(db_, by_client_id_, project_id, client_session_id);
  }

  Result<Page<Session>> List(const SessionFilter& filter, const PageRequest& page) override {
    if (!IsUuid(filter.project_id)) return Page<Session>{};
    int limit = std::clamp(page.limit, 1, 500);
    TimeMs cursor_at = 0;
    std::string cursor_id;
    if (!page.cursor.empty()) {
      INCUERA_RETURN_IF_ERROR(DecodeCursor(page.cursor, cursor_at, cursor_id));
    }
    Params params;
    // The WHERE clause of every filter but the texts, with its own
    // placeholders each time (the texts' query repeats it).
    auto where = [&]() {
      std::string out = "WHERE project_id = " + params.Text(filter.project_id);
      if (filter.status) {
        out += " AND status = " + params.Text(std::string(SessionStatusName(*filter.status)));
      }
      if (!filter.user.empty()) {
        std::string pattern = ContainsPattern(filter.user);
        out += " AND (lower(user_id) LIKE " + params.Text(pattern) +
               " ESCAPE '\\' OR lower(user_email) LIKE " + params.Text(pattern) + " ESCAPE '\\')";
      }
      if (!filter.url.empty()) {
        out += " AND lower(url) LIKE " + params.Text(ContainsPattern(filter.url)) + " ESCAPE '\\'";
      }
      if (filter.min_duration_ms) {
        out += " AND duration_ms >= " + params.Number(*filter.min_duration_ms);
      }
      if (filter.has_errors)
        out += *filter.has_errors ? " AND error_count > 0" : " AND error_count = 0";
      if (filter.started_after) out += " AND started_at >= " + params.Number(*filter.started_after);
      if (filter.started_before) {
        out += " AND started_at < " + params.Number(*filter.started_before);
      }
      if (filter.created_before) {
        out += " AND created_at < " + params.Number(*filter.created_before);
      }
      AddFactFlags(filter, params, out);
      if (!page.cursor.empty()) {
        out += " AND (started_at < " + params.Number(cursor_at) +
               " OR (started_at = " + params.Number(cursor_at) + " AND id < " +
               params.Text(cursor_id) + "))";
      }
      return out;
    };
    const std::string order =
        " ORDER BY started_at DESC, id DESC LIMIT " + std::to_string(limit + 1);
    const std::string texts_of_project =
        "SELECT session_id FROM session_fact_texts WHERE project_id = ";
    std::string texts = FactTextConditions(filter, params);
    std::string query;
    if (texts.empty()) {
      query = kSessionColumns + where() + order;
    } else if (db_.dialect() == Dialect::kSqlite) {
      // No trigram index: SQLite reads the project's text rows once for the
      // semi-join whichever way, so counting them first would read them twice.
      query = kSessionColumns + where() + " AND id IN (" + texts_of_project +
              params.Text(filter.project_id) + texts + ")" + order;
    } else {
      // The sessions whose texts match, counted up to kFewTextMatches + 1
      // from the trigram index, then one of two queries, the other skipped
      // by its constant condition: the rows of those sessions, sorted, or
      // the sessions newest first, each checked (or as the planner sees
      // fit). Both answer the same rows.
      const std::string few = std::to_string(kFewTextMatches);
      query = "WITH hits AS MATERIALIZED (" + texts_of_project + params.Text(filter.project_id) +
              texts + " LIMIT " + std::to_string(kFewTextMatches + 1) + ") SELECT * FROM (" +
              kSessionColumns + where() +
              " AND id IN (SELECT session_id FROM hits) AND (SELECT COUNT(*) FROM hits) <= " + few +
              order + ") AS few UNION ALL SELECT * FROM (" + kSessionColumns + where() +
              " AND id IN (" + texts_of_project + params.Text(filter.project_id) +
              FactTextConditions(filter, params) + ") AND (SELECT COUNT(*) FROM hits) > " + few +
              order + ") AS many" + order;
    }
    INCUERA_ASSIGN_OR_RETURN(auto rows, QuerySessionRows(db_, query, params));
    Page<Session> out;
    if (static_cast<int>(rows.size()) > limit) {
      rows.resize(limit);
      out.next_cursor = EncodeCursor(rows.back().started_at, rows.back().id);
    }
    out.items = std::move(rows);
    return out;
  }

  Result<std::vector<Session>> ListInactive(TimeMs before, int limit) override {
    Params params;
    std::string where =
        "WHERE status = 'recording' AND (CASE WHEN last_event_at > 0 THEN last_event_at "
        "ELSE started_at END) < " +
        params.Number(before) + " AND last_seen_at < " + params.Number(before) +
        " ORDER BY CASE WHEN last_event_at > 0 THEN last_event_at ELSE started_at END, id "
        "LIMIT " +
        params.Number(std::max(limit, 0));
    return QuerySessions(db_, where, params);
  }

  Status Touch(const std::string& id, TimeMs seen_at) override {
    if (!IsUuid(id)) return NotFound("session not found");
    return db_.Write([&](Connection& c) {
      auto done = c.Run(
          "UPDATE sessions SET last_seen_at = CASE WHEN last_seen_at < :t "
          "THEN :t2 ELSE last_seen_at END WHERE id = :id",
          soci::use(seen_at), soci::use(seen_at), soci::use(id));
      return done.affected_rows > 0 ? OkStatus() : NotFound("session not found");
    });
  }

  Result<std::vector<Session>> ListEndedBefore(SessionStatus status, TimeMs before,
                                               int limit) override {
    Params params;
    std::string where = "WHERE status = " + params.Text(std::string(SessionStatusName(status))) +
                        " AND ended_at IS NOT NULL AND ended_at < " + params.Number(before) +
                        " ORDER BY ended_at, id LIMIT " + params.Number(std::max(limit, 0));
    return QuerySessions(db_, where, params);
  }

  Result<Session> MarkEnded(const std::string& id, TimeMs ended_at,
                            const std::string& reason) override {
    if (!IsUuid(id)) return NotFound("session not found");
    TimeMs now = db_.Now();
    INCUERA_RETURN_IF_ERROR(db_.Write([&](Connection& c) {
      c.Run(
          "UPDATE sessions SET ended_at = :e, end_reason = :r, duration_ms = CASE WHEN "
          "last_event_at > started_at THEN last_event_at - started_at ELSE 0 END, "
          "updated_at = :u WHERE id = :id AND ended_at IS NULL",
          soci::use(ended_at), soci::use(reason), soci::use(now), soci::use(id));
      return OkStatus();
    }));
    return Get(id);
  }

  Status Reopen(const std::string& id) override {
    if (!IsUuid(id)) return NotFound("session not found");
    TimeMs now = db_.Now();
    return db_.Write([&](Connection& c) {
      auto done = c.Run(
          "UPDATE sessions SET ended_at = NULL, end_reason = '', updated_at = :u "
          "WHERE id = :id AND status = 'recording'",
          soci::use(now), soci::use(id));
      if (done.affected_rows > 0) return OkStatus();
      int n = 0;
      c.Run("SELECT COUNT(*) FROM sessions WHERE id = :id", soci::use(id), soci::into(n));
      return n == 0 ? NotFound("session not found")
                    : FailedPrecondition("session already finalized");
    });
  }

  Status Transition(const std::string& id, SessionStatus from, SessionStatus to,
                    const std::string& failure_reason) override {
    if (!IsUuid(id)) return NotFound("session not found");
    std::string from_name(SessionStatusName(from)), to_name(SessionStatusName(to));
    TimeMs now = db_.Now();
    return db_.Write([&](Connection& c) {
      auto done = c.Run(
          "UPDATE sessions SET status = :to, failure_reason = :fr, "
          "updated_at = :u WHERE id = :id AND status = :from",
          soci::use(to_name), soci::use(failure_reason), soci::use(now), soci::use(id),
          soci::use(from_name));
      if (done.affected_rows > 0) return OkStatus();
      int n = 0;
      c.Run("SELECT COUNT(*) FROM sessions WHERE id = :id", soci::use(id), soci::into(n));
      if (n == 0) return NotFound("session not found");
      return FailedPrecondition("session is not " + from_name);
    });
  }

  Status SetVideo(const std::string& id, const std::string& video_key,
                  const std::string& thumbnail_key, const std::string& keyframes_key,
                  std::int64_t video_duration_ms, std::int64_t video_size) override {
    if (!IsUuid(id)) return NotFound("session not found");
    TimeMs now = db_.Now();
    return db_.Write([&](Connection& c) {
      return c.Run(
                  "UPDATE sessions SET video_key = :v, thumbnail_key = :t, "
                  "keyframes_key = :k, video_duration_ms = :d, video_size = :z, "
                  "updated_at = :u WHERE id = :id",
                  soci::use(video_key), soci::use(thumbnail_key), soci::use(keyframes_key),
                  soci::use(video_duration_ms), soci::use(video_size), soci::use(now),
                  soci::use(id))
                         .affected_rows > 0
                 ? OkStatus()
                 : NotFound("session not found");
    });
  }

  Status Delete(const std::string& id) override {
    if (!IsUuid(id)) return NotFound("session not found");
    return db_.Write([&](Connection& c) {
      return c.Run("DELETE FROM sessions WHERE id = :id", soci::use(id)).affected_rows > 0
                 ? OkStatus()
                 : NotFound("session not found");
    });
  }

  Status SetObjectBytes(const std::string& id, std::int64_t bytes) override {
    if (!IsUuid(id)) return NotFound("session not found");
    return db_.Write([&](Connection& c) {
      auto done = c.Run("UPDATE sessions SET object_bytes = :b WHERE id = :id", soci::use(bytes),
                        soci::use(id));
      return done.affected_rows > 0 ? OkStatus() : NotFound("session not found");
    });
  }

  Result<StorageUsage> Usage(const std::string& project_id) override {
    StorageUsage usage;
    if (!IsUuid(project_id)) return usage;
    INCUERA_RETURN_IF_ERROR(db_.With([&](Connection& c) {
      // Cast: PostgreSQL sums bigints as numeric.
      c.Run(
          "SELECT COUNT(*), CAST(COALESCE(SUM(event_bytes), 0) AS bigint), "
          "CAST(COALESCE(SUM(byte_count), 0) AS bigint), "
          "CAST(COALESCE(SUM(object_bytes), 0) AS bigint) FROM sessions WHERE project_id = :p",
          soci::use(project_id), soci::into(usage.sessions), soci::into(usage.event_bytes),
          soci::into(usage.raw_event_bytes), soci::into(usage.object_bytes));
      return OkStatus();
    }));
    return usage;
  }

  Status MarkUnsampled(const std::string& project_id, const std::string& client_session_id,
                       TimeMs decided_at) override {
    if (!IsUuid(project_id)) return NotFound("project not found");
    return db_.Write([&](Connection& c) {
      c.Run(
          "INSERT INTO unsampled_visits (project_id, client_id, decided_at) VALUES (:p, :c, :t) "
          "ON CONFLICT (project_id, client_id) DO NOTHING",
          soci::use(project_id), soci::use(client_session_id), soci::use(decided_at));
      return OkStatus();
    });
  }

  Result<bool> IsUnsampled(const std::string& project_id,
                           const std::string& client_session_id) override {
    if (!IsUuid(project_id)) return false;
    int n = 0;
    INCUERA_RETURN_IF_ERROR(db_.With([&](Connection& c) {
      c.Run("SELECT COUNT(*) FROM unsampled_visits WHERE project_id = :p AND client_id = :c",
            soci::use(project_id), soci::use(client_session_id), soci::into(n));
      return OkStatus();
    }));
    return n > 0;
  }

  Result<std::int64_t> DeleteUnsampledBefore(const std::string& project_id,
                                             TimeMs before) override {
    if (!IsUuid(project_id)) return std::int64_t{0};
    std::int64_t deleted = 0;
    INCUERA_RETURN_IF_ERROR(db_.Write([&](Connection& c) {
      deleted = c.Run("DELETE FROM unsampled_visits WHERE project_id = :p AND decided_at < :t",
                      soci::use(project_id), soci::use(before))
                    .affected_rows;
      return OkStatus();
    }));
    return deleted;
  }

  Result<std::map<std::string, std::int64_t>> CountByStatus() override {
    std::map<std::string, std::int64_t> out;
    INCUERA_RETURN_IF_ERROR(db_.With([&](Connection& c) {
      std::string status;
      std::int64_t n = 0;
      return c.ForEachRow(
          "SELECT status, COUNT(*) FROM sessions GROUP BY status", [&] { out[status] = n; },
          soci::into(status), soci::into(n));
    }));
    return out;
  }

  Result<std::map<std::string, std::int64_t>> CountByProject(const std::string& owner_id) override {
    std::map<std::string, std::int64_t> out;
    if (!IsUuid(owner_id)) return out;
    INCUERA_RETURN_IF_ERROR(db_.With([&](Connection& c) {
      std::string project_id;
      std::int64_t n = 0;
      return c.ForEachRow(
          "SELECT s.project_id, COUNT(*) FROM sessions s JOIN projects p ON "
          "p.id = s.project_id WHERE p.owner_id = :o GROUP BY s.project_id",
          [&] { out[project_id] = n; }, soci::use(owner_id), soci::into(project_id), soci::into(n));
    }));
    return out;
  }

 private:
  // Creates the row of `start` as part `part` (linked to `previous_id` when
  // not empty), or fills the empty metadata of the row that has its client
  // id: one statement, so servers racing to create the same row agree.
  Status Insert(const SessionStart& start, int part, const std::string& previous_id) {
    std::string id = NewUuid();
    TimeMs now = db_.Now();
    TimeMs started = start.started_at > 0 ? start.started_at : now;
    TimeMs received = start.received_at > 0 ? start.received_at : now;
    soci::indicator previous_ind = previous_id.empty() ? soci::i_null : soci::i_ok;
    return db_.Write([&](Connection& c) {
      c.Run(
          "INSERT INTO sessions (id, project_id, client_id, user_id, user_email, url, "
          "referrer, user_agent, screen_width, screen_height, viewport_width, "
          "viewport_height, started_at, created_at, updated_at, part, previous_id) VALUES (:id, "
          ":p, :c, :uid, :ue, :url, :ref, :ua, :sw, :sh, :vw, :vh, :st, :ca, :ua2, :part, :prev) "
          "ON CONFLICT (project_id, client_id) DO UPDATE SET "
          "user_id = CASE WHEN sessions.user_id = '' THEN excluded.user_id "
          "ELSE sessions.user_id END, "
          "user_email = CASE WHEN sessions.user_email = '' THEN excluded.user_email "
          "ELSE sessions.user_email END, "
          "url = CASE WHEN sessions.url = '' THEN excluded.url ELSE sessions.url END, "
          "referrer = CASE WHEN sessions.referrer = '' THEN excluded.referrer "
          "ELSE sessions.referrer END, "
          "user_agent = CASE WHEN sessions.user_agent = '' THEN excluded.user_agent "
          "ELSE sessions.user_agent END, "
          "screen_width = CASE WHEN sessions.screen_width = 0 THEN excluded.screen_width "
          "ELSE sessions.screen_width END, "
          "screen_height = CASE WHEN sessions.screen_height = 0 THEN excluded.screen_height "
          "ELSE sessions.screen_height END, "
          "viewport_width = CASE WHEN sessions.viewport_width = 0 "
          "THEN excluded.viewport_width ELSE sessions.viewport_width END, "
          "viewport_height = CASE WHEN sessions.viewport_height = 0 "
          "THEN excluded.viewport_height ELSE sessions.viewport_height END, "
          "started_at = CASE WHEN excluded.started_at < sessions.started_at "
          "THEN excluded.started_at ELSE sessions.started_at END, "
          "updated_at = excluded.updated_at",
          soci::use(id), soci::use(start.project_id), soci::use(start.client_session_id),
          soci::use(start.user_id), soci::use(start.user_email), soci::use(start.url),
          soci::use(start.referrer), soci::use(start.user_agent), soci::use(start.screen_width),
          soci::use(start.screen_height), soci::use(start.viewport_width),
          soci::use(start.viewport_height), soci::use(started), soci::use(received), soci::use(now),
          soci::use(part), soci::use(previous_id, previous_ind));
      return OkStatus();
    });
  }

  Database& db_;
  const std::string by_id_ = std::string(kSessionColumns) + "WHERE id = :id";
  const std::string by_client_id_ =
      std::string(kSessionColumns) + "WHERE project_id = :p AND client_id = :c";
};

}  // namespace

std::unique_ptr<SessionRepository> NewSessionRepository(Database& db) {
  return std::make_unique<SociSessionRepository>(db);
}

}  // namespace incuera::internal
