// Notes on sessions and saved session filters over SOCI.
#include <algorithm>
#include <boost/json.hpp>

#include "store/store_internal.h"

namespace incuera::internal {
namespace {

namespace json = boost::json;

constexpr const char* kNoteColumns =
    "SELECT n.id, n.session_id, n.author_id, u.email, n.at_ms, n.text, n.created_at "
    "FROM session_notes n JOIN users u ON u.id = n.author_id ";

// Adds one into() per column of kNoteColumns, in order.
void BindNote(soci::statement& st, Note& n) {
  st.exchange(soci::into(n.id));
  st.exchange(soci::into(n.session_id));
  st.exchange(soci::into(n.author_id));
  st.exchange(soci::into(n.author_email));
  st.exchange(soci::into(n.at_ms));
  st.exchange(soci::into(n.text));
  st.exchange(soci::into(n.created_at));
}

// Notes on sessions, with their author's email read from users.
class SociNoteRepository final : public NoteRepository {
 public:
  explicit SociNoteRepository(Database& db) : db_(db) {}

  Result<Note> Create(const Note& note) override {
    if (!IsUuid(note.session_id)) return NotFound("session not found");
    if (!IsUuid(note.author_id)) return NotFound("user not found");
    Note n = note;
    if (n.id.empty()) n.id = NewUuid();
    if (n.created_at == 0) n.created_at = db_.Now();
    INCUERA_RETURN_IF_ERROR(db_.Write([&](Connection& c) {
      c.Run(
          "INSERT INTO session_notes (id, session_id, author_id, at_ms, text, created_at) "
          "VALUES (:id, :s, :a, :t, :x, :c)",
          soci::use(n.id), soci::use(n.session_id), soci::use(n.author_id), soci::use(n.at_ms),
          soci::use(n.text), soci::use(n.created_at));
      return OkStatus();
    }));
    return Get(n.id);
  }

  Result<Note> Get(const std::string& id) override {
    if (!IsUuid(id)) return NotFound("note not found");
    Note n;
    bool found = false;
    INCUERA_RETURN_IF_ERROR(db_.With([&](Connection& c) {
      found = c.Run(
                   std::string(kNoteColumns) + "WHERE n.id = :id",
                   [&](soci::statement& st) { BindNote(st, n); }, soci::use(id))
                  .got_data;
      return OkStatus();
    }));
    if (!found) return NotFound("note not found");
    return n;
  }

  Result<std::vector<Note>> ListBySession(const std::string& session_id) override {
    std::vector<Note> out;
    if (!IsUuid(session_id)) return out;
    INCUERA_RETURN_IF_ERROR(db_.With([&](Connection& c) {
      Note n;
      return c.ForEachRow(
          std::string(kNoteColumns) +
              "WHERE n.session_id = :s ORDER BY n.at_ms, n.created_at, n.id",
          [&] { out.push_back(n); }, [&](soci::statement& st) { BindNote(st, n); },
          soci::use(session_id));
    }));
    return out;
  }

  Status Delete(const std::string& id) override {
    if (!IsUuid(id)) return NotFound("note not found");
    return db_.Write([&](Connection& c) {
      auto done = c.Run("DELETE FROM session_notes WHERE id = :id", soci::use(id));
      return done.affected_rows > 0 ? OkStatus() : NotFound("note not found");
    });
  }

 private:
  Database& db_;
};

std::string FiltersToJson(const std::vector<std::pair<std::string, std::string>>& filters) {
  json::object o;
  for (const auto& [name, value] : filters) o[name] = value;
  return json::serialize(o);
}

// The stored filters object; members that are not strings are skipped.
std::vector<std::pair<std::string, std::string>> FiltersFromJson(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return out;
  for (const auto& member : v.as_object()) {
    if (member.value().is_string()) {
      out.emplace_back(std::string(member.key()), std::string(member.value().as_string()));
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Saved filters: a name and the filters as a JSON object.
class SociSavedFilterRepository final : public SavedFilterRepository {
 public:
  explicit SociSavedFilterRepository(Database& db)
      : db_(db),
        columns_("SELECT id, project_id, name, " + JsonOut(db, "filters") +
                 ", created_at FROM saved_filters ") {}

  Result<SavedFilter> Create(const SavedFilter& filter) override {
    if (!IsUuid(filter.project_id)) return NotFound("project not found");
    SavedFilter f = filter;
    if (f.id.empty()) f.id = NewUuid();
    if (f.created_at == 0) f.created_at = db_.Now();
    std::sort(f.filters.begin(), f.filters.end());
    std::string filters = FiltersToJson(f.filters);
    INCUERA_RETURN_IF_ERROR(db_.Write([&](Connection& c) {
      c.Run(
          "INSERT INTO saved_filters (id, project_id, name, filters, created_at) VALUES (:id, "
          ":p, :n, " +
              JsonIn(db_, "f") + ", :c)",
          soci::use(f.id), soci::use(f.project_id), soci::use(f.name), soci::use(filters),
          soci::use(f.created_at));
      return OkStatus();
    }));
    return f;
  }

  Result<SavedFilter> Get(const std::string& id) override {
    if (!IsUuid(id)) return NotFound("saved filter not found");
    std::vector<SavedFilter> rows;
    INCUERA_RETURN_IF_ERROR(Query("WHERE id = :v", id, rows));
    if (rows.empty()) return NotFound("saved filter not found");
    return std::move(rows.front());
  }

  Result<std::vector<SavedFilter>> ListByProject(const std::string& project_id) override {
    std::vector<SavedFilter> rows;
    if (!IsUuid(project_id)) return rows;
    INCUERA_RETURN_IF_ERROR(Query("WHERE project_id = :v ORDER BY name, id", project_id, rows));
    return rows;
  }

  Status Delete(const std::string& id) override {
    if (!IsUuid(id)) return NotFound("saved filter not found");
    return db_.Write([&](Connection& c) {
      auto done = c.Run("DELETE FROM saved_filters WHERE id = :id", soci::use(id));
      return done.affected_rows > 0 ? OkStatus() : NotFound("saved filter not found");
    });
  }

 private:
  Status Query(const std::string& where, const std::string& value, std::vector<SavedFilter>& out) {
    return db_.With([&](Connection& c) {
      SavedFilter f;
      std::string filters;
      return c.ForEachRow(
          columns_ + where,
          [&] {
            f.filters = FiltersFromJson(filters);
            out.push_back(f);
          },
          soci::use(value), soci::into(f.id), soci::into(f.project_id), soci::into(f.name),
          soci::into(filters), soci::into(f.created_at));
    });
  }

  Database& db_;
  const std::string columns_;
};

}  // namespace

std::unique_ptr<NoteRepository> NewNoteRepository(Database& db) {
  return std::make_unique<SociNoteRepository>(db);
}
std::unique_ptr<SavedFilterRepository> NewSavedFilterRepository(Database& db) {
  return std::make_unique<SociSavedFilterRepository>(db);
}

}  // namespace incuera::internal
