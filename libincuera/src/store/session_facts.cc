// What happened in each session (SessionFacts) over SOCI: one row per
// distinct value, and the values of each text kind joined in one row per
// session for the session search (session_fact_texts, migration 0007);
// both replaced when the session is analysed.
#include <algorithm>
#include <set>

#include "core/text.h"
#include "store/store_internal.h"

namespace incuera::internal {
namespace {

// The kinds of fact (the CHECK of session_facts.kind).
constexpr const char* kUrl = "url";
constexpr const char* kClick = "click";
constexpr const char* kConsole = "console";
constexpr const char* kFailedRequest = "failed_request";
constexpr const char* kRageClick = "rage_click";

// The values of one kind as stored: trimmed, without control characters,
// lower-cased, cut, distinct, at most kMaxFactsPerKind (the first ones).
std::set<std::string> Normalize(const std::vector<std::string>& values) {
  std::set<std::string> out;
  for (const std::string& value : values) {
    if (out.size() >= SessionFactsRepository::kMaxFactsPerKind) break;
    std::string v = TruncateUtf8(Trim(ToLower(WithoutControlChars(value))),
                                 SessionFactsRepository::kMaxFactChars);
    if (!v.empty()) out.insert(std::move(v));
  }
  return out;
}

class SociSessionFactsRepository final : public SessionFactsRepository {
 public:
  explicit SociSessionFactsRepository(Database& db) : db_(db) {}

  Status Put(const SessionFacts& facts) override {
    if (!IsUuid(facts.session_id)) return NotFound("session not found");
    std::vector<std::pair<std::string, std::string>> rows;
    // The texts the session search matches (session_fact_texts): the
    // values of each kind joined by '\n', which Normalize removed from them.
    std::string texts[3];
    int text = 0;
    for (const auto& [kind, values] :
         {std::pair{kUrl, &facts.urls}, std::pair{kClick, &facts.clicked_texts},
          std::pair{kConsole, &facts.console_messages}}) {
      for (const std::string& v : Normalize(*values)) {
        rows.emplace_back(kind, v);
        if (!texts[text].empty()) texts[text] += '\n';
        texts[text] += v;
      }
      ++text;
    }
    if (facts.failed_request) rows.emplace_back(kFailedRequest, "");
    if (facts.rage_click) rows.emplace_back(kRageClick, "");
    return db_.InTransaction([&](Connection& c) -> Status {
      std::string project_id;
      if (!c.Run("SELECT project_id FROM sessions WHERE id = :id", soci::use(facts.session_id),
                 soci::into(project_id))
               .got_data) {
        return NotFound("session not found");
      }
      c.Run("DELETE FROM session_facts WHERE session_id = :s", soci::use(facts.session_id));
      c.Run("DELETE FROM session_fact_texts WHERE session_id = :s", soci::use(facts.session_id));
      c.Run(
          "INSERT INTO session_fact_texts (session_id, project_id, urls, clicks, console) "
          "VALUES (:s, :p, :u, :c, :k)",
          soci::use(facts.session_id), soci::use(project_id), soci::use(texts[0]),
          soci::use(texts[1]), soci::use(texts[2]));
      for (const auto& [kind, value] : rows) {
        c.Run(
            "INSERT INTO session_facts (session_id, project_id, kind, value) "
            "VALUES (:s, :p, :k, :v)",
            soci::use(facts.session_id), soci::use(project_id), soci::use(kind), soci::use(value));
      }
      return OkStatus();
    });
  }

  Result<SessionFacts> Get(const std::string& session_id) override {
    SessionFacts facts;
    facts.session_id = session_id;
    if (!IsUuid(session_id)) return facts;
    INCUERA_RETURN_IF_ERROR(db_.With([&](Connection& c) {
      std::string project_id, kind, value;
      return c.ForEachRow(
          "SELECT project_id, kind, value FROM session_facts WHERE session_id = :s "
          "ORDER BY kind, value",
          [&] {
            facts.project_id = project_id;
            if (kind == kUrl) facts.urls.push_back(value);
            if (kind == kClick) facts.clicked_texts.push_back(value);
            if (kind == kConsole) facts.console_messages.push_back(value);
            if (kind == kFailedRequest) facts.failed_request = true;
            if (kind == kRageClick) facts.rage_click = true;
          },
          soci::use(session_id), soci::into(project_id), soci::into(kind), soci::into(value));
    }));
    return facts;
  }

 private:
  Database& db_;
};

}  // namespace

std::unique_ptr<SessionFactsRepository> NewSessionFactsRepository(Database& db) {
  return std::make_unique<SociSessionFactsRepository>(db);
}

}  // namespace incuera::internal
