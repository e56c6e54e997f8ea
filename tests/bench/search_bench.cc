// Session search latency for `make bench` (issue 18): seeds SESSIONS
// sessions of one shop project with what happened in them (session_facts:
// visited URLs, clicked texts, console messages, failed requests, rage
// clicks, in the proportions and cardinalities of a real shop), then runs
// each search of the session list many times through Admin::ListSessions —
// the call GET /api/sessions makes — and prints p50/p95/p99 per search.
//
// The seeding writes rows straight into the tables (sessions, and
// session_facts and session_fact_texts as SessionFactsRepository::Put
// writes them; multi-row INSERTs over SOCI, in transactions) because
// storing 100 000 sessions through ingest and analysis would take an hour;
// it is not measured. On PostgreSQL it
// ends with VACUUM ANALYZE, what autovacuum does after such a load.
// Asserts nothing.
//
// Usage: search_bench LABEL DATABASE_URL STORAGE_URL [SESSIONS] [RUNS]
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>
#include <array>
#include <boost/url/parse.hpp>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "incuera/admin.h"
#include "incuera/engine.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr incuera::TimeMs kDayMs = 24LL * 3600 * 1000;
constexpr int kProducts = 20000;
constexpr int kRowsPerInsert = 500;
constexpr int kSessionsPerTransaction = 5000;

[[noreturn]] void Die(const std::string& what, const incuera::Status& s) {
  std::fprintf(stderr, "search_bench: %s: %s\n", what.c_str(), s.ToString().c_str());
  std::exit(1);
}

template <typename T>
T Check(incuera::Result<T> r, const char* what) {
  if (!r.ok()) Die(what, r.status());
  return std::move(*r);
}

// The shop's vocabulary: what its pages, buttons and scripts are called.
constexpr std::array kCategories = {"lamps",   "desks",   "chairs", "sofas",   "rugs",   "beds",
                                    "shelves", "mirrors", "plants", "kitchen", "garden", "outdoor",
                                    "storage", "textile", "kids",   "office",  "bath",   "deco",
                                    "sale",    "new-in",  "tables", "candles", "frames", "clocks"};
constexpr std::array kAdjectives = {"walnut", "oak",    "linen",  "velvet", "brass", "marble",
                                    "rattan", "cotton", "steel",  "ash",    "wool",  "glass",
                                    "bamboo", "teak",   "copper", "cedar",  "jute",  "leather",
                                    "birch",  "cork",   "ceramic"};
constexpr std::array kNouns = {
    "lamp",  "desk",  "chair",   "sofa", "rug",   "bed",       "shelf",  "mirror",  "planter",
    "stool", "bench", "cabinet", "vase", "throw", "cushion",   "table",  "dresser", "basket",
    "clock", "frame", "candle",  "tray", "bowl",  "sideboard", "pendant"};
constexpr std::array kButtons = {
    "add to cart", "buy now",     "checkout",       "pay now",        "continue",
    "search",      "next",        "previous",       "close",          "accept cookies",
    "reject all",  "sign in",     "create account", "apply coupon",   "remove",
    "update cart", "filter",      "sort by price",  "show more",      "view details",
    "size s",      "size m",      "size l",         "color natural",  "color black",
    "subscribe",   "track order", "contact us",     "write a review", "add to wishlist"};
constexpr std::array kSearchTerms = {"lamp",         "oak desk", "velvet sofa", "rug",
                                     "gift",         "sale",     "outdoor",     "kids bed",
                                     "mirror round", "brass",    "plant pot",   "office chair",
                                     "linen",        "candle",   "storage box"};
constexpr std::array kConsoleTemplates = {
    "typeerror: cannot read properties of undefined (reading '%s')",
    "uncaught (in promise) error: request failed with status code 5%02d",
    "failed to load resource: the server responded with a status of 404 (/img/p/%05d.webp)",
    "[deprecation] synchronous xmlhttprequest on the main thread (%s)",
    "gtm: event add_to_cart item %05d",
    "warning: each child in a list should have a unique \"key\" prop (%s)",
    "cart updated: %02d items",
    "referenceerror: %s is not defined"};
constexpr std::array kIdentifiers = {"price", "variant", "sku",   "images", "length", "map",
                                     "stock", "name",    "total", "items",  "gtag",   "dataLayer"};

struct Rng {
  std::mt19937_64 gen{18};
  double Unit() { return std::uniform_real_distribution<double>(0, 1)(gen); }
  int Below(int n) { return static_cast<int>(Unit() * n); }
  bool Chance(double p) { return Unit() < p; }
  // Skewed towards 0: a few products are viewed far more than the rest.
  int Popular(int n) {
    double u = Unit();
    return static_cast<int>(u * u * u * n);
  }
  template <typename A>
  const char* Pick(const A& a) {
    return a[Below(static_cast<int>(a.size()))];
  }
};

std::string ProductName(int id) {
  return std::string(kAdjectives[id % kAdjectives.size()]) + " " +
         kNouns[(id / kAdjectives.size()) % kNouns.size()] + " " + std::to_string(id);
}

std::string ProductPath(int id) {
  std::string slug = ProductName(id);
  std::replace(slug.begin(), slug.end(), ' ', '-');
  return "/product/" + slug;
}

std::string Format(const char* pattern, const std::string& text) {
  char buf[256];
  std::snprintf(buf, sizeof buf, pattern, text.c_str());
  return buf;
}

std::string Format(const char* pattern, int n) {
  char buf[256];
  std::snprintf(buf, sizeof buf, pattern, n);
  return buf;
}

// One seeded session: its row and its facts (values as the store keeps
// them: lower-case, distinct per kind).
struct SeedSession {
  std::string id;
  incuera::TimeMs started_at = 0;
  std::int64_t duration_ms = 0;
  std::int64_t error_count = 0;
  std::string user_id;
  std::string first_url;
  std::set<std::string> urls, clicks, console;
  bool failed_request = false;
  bool rage_click = false;
};

SeedSession MakeSession(Rng& rng, int index, incuera::TimeMs now) {
  SeedSession s;
  s.id = incuera::NewUuid();
  s.started_at = now - rng.Below(30) * kDayMs - rng.Below(static_cast<int>(kDayMs)) - index;
  s.duration_ms = 5000 + rng.Popular(30 * 60 * 1000);
  if (rng.Chance(0.3)) s.user_id = "customer-" + std::to_string(rng.Below(40000));
  const std::string site = "https://shop.example";
  // The pages: a landing page, then browsing; some reach the cart, fewer
  // the checkout, and those that order get their own confirmation URL.
  std::vector<std::string> pages;
  if (rng.Chance(0.55)) {
    pages.push_back(site + "/");
  } else if (rng.Chance(0.6)) {
    pages.push_back(site + ProductPath(rng.Popular(kProducts)) + "?utm_source=ads&utm_campaign=c" +
                    std::to_string(rng.Below(60)));
  } else {
    pages.push_back(site + "/category/" + rng.Pick(kCategories));
  }
  int browse = 1 + rng.Popular(12);
  for (int i = 0; i < browse; ++i) {
    double what = rng.Unit();
    if (what < 0.5) {
      pages.push_back(site + ProductPath(rng.Popular(kProducts)));
    } else if (what < 0.75) {
      pages.push_back(site + "/category/" + rng.Pick(kCategories) +
                      "?page=" + std::to_string(1 + rng.Popular(8)));
    } else if (what < 0.9) {
      std::string q = rng.Pick(kSearchTerms);
      std::replace(q.begin(), q.end(), ' ', '+');
      pages.push_back(site + "/search?q=" + q);
    } else {
      pages.push_back(site + "/help/article-" + std::to_string(rng.Below(200)));
    }
  }
  const bool cart = rng.Chance(0.35), checkout = cart && rng.Chance(0.45),
             ordered = checkout && rng.Chance(0.5);
  if (cart) pages.push_back(site + "/cart");
  if (checkout) {
    pages.push_back(site + "/checkout/shipping");
    pages.push_back(site + "/checkout/payment");
  }
  if (ordered) pages.push_back(site + "/order/confirmation/" + std::to_string(100000 + index));
  s.first_url = pages.front();
  for (const std::string& p : pages) s.urls.insert(p);

  // The clicks: buttons, product cards and links to categories.
  int clicks = 2 + rng.Popular(25);
  for (int i = 0; i < clicks; ++i) {
    double what = rng.Unit();
    if (what < 0.45) {
      s.clicks.insert(rng.Pick(kButtons));
    } else if (what < 0.8) {
      s.clicks.insert(ProductName(rng.Popular(kProducts)));
    } else {
      s.clicks.insert(rng.Pick(kCategories));
    }
  }
  if (cart) s.clicks.insert("add to cart");
  if (checkout) s.clicks.insert("checkout");
  if (ordered) s.clicks.insert("pay now");

  // The console: most sessions log nothing; some log a few lines, a part
  // of them errors, several with ids that make them unique.
  if (rng.Chance(0.35)) {
    int lines = 1 + rng.Popular(6);
    for (int i = 0; i < lines; ++i) {
      int t = rng.Below(static_cast<int>(kConsoleTemplates.size()));
      const char* pattern = kConsoleTemplates[t];
      switch (t) {
        case 0:
        case 3:
        case 5:
        case 7:
          s.console.insert(Format(pattern, rng.Pick(kIdentifiers)));
          break;
        case 2:
        case 4:
          s.console.insert(Format(pattern, rng.Popular(kProducts)));
          break;
        default:
          s.console.insert(Format(pattern, rng.Below(30)));
      }
      if (t <= 2 || t == 7) ++s.error_count;
    }
  }
  s.failed_request = rng.Chance(0.08);
  s.rage_click = rng.Chance(0.03);
  return s;
}

std::string Quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

// Rows of one table, written kRowsPerInsert to a statement by Flush.
class Inserter {
 public:
  Inserter(soci::session& sql, std::string head) : sql_(sql), head_(std::move(head)) {}
  void Add(std::string row) { rows_.push_back("(" + std::move(row) + ")"); }
  void Flush() {
    for (std::size_t first = 0; first < rows_.size(); first += kRowsPerInsert) {
      std::string statement = head_ + " VALUES ";
      const std::size_t last = std::min(rows_.size(), first + kRowsPerInsert);
      for (std::size_t i = first; i < last; ++i) {
        if (i > first) statement += ',';
        statement += rows_[i];
      }
      sql_ << statement;
    }
    rows_.clear();
  }

 private:
  soci::session& sql_;
  std::string head_;
  std::vector<std::string> rows_;
};

bool IsPostgres(const std::string& url) { return url.rfind("postgres", 0) == 0; }

// The SOCI connection string of an Incuera database URL: libpq keywords
// for PostgreSQL (SOCI does not pass a URL through), the path for SQLite.
std::string SociConnect(const std::string& url) {
  if (!IsPostgres(url)) return "db=" + url.substr(std::string("sqlite://").size());
  auto uri = boost::urls::parse_uri(url);
  if (!uri) {
    std::fprintf(stderr, "search_bench: bad PostgreSQL URL\n");
    std::exit(2);
  }
  std::string out = "host=" + std::string(uri->host()) + " dbname=" + uri->path().substr(1);
  if (uri->has_port()) out += " port=" + std::string(uri->port());
  if (uri->has_userinfo()) out += " user=" + std::string(uri->user());
  if (uri->has_password()) out += " password=" + std::string(uri->password());
  return out;
}

// Writes `sessions` sessions of the project with their facts; returns the
// number of fact rows.
std::int64_t Seed(const std::string& url, const std::string& project_id, int sessions) {
  const bool postgres = IsPostgres(url);
  const soci::backend_factory& backend =
      postgres ? static_cast<const soci::backend_factory&>(soci::postgresql) : soci::sqlite3;
  soci::session sql(backend, SociConnect(url));
  if (!postgres) sql << "PRAGMA busy_timeout = 5000";
  Rng rng;
  const incuera::TimeMs now = incuera::NowMs();
  std::int64_t facts = 0;
  for (int first = 0; first < sessions; first += kSessionsPerTransaction) {
    soci::transaction tx(sql);
    Inserter session_rows(sql,
                          "INSERT INTO sessions (id, project_id, client_id, user_id, url, "
                          "started_at, last_event_at, ended_at, end_reason, duration_ms, "
                          "event_count, error_count, page_count, status, created_at, updated_at)");
    Inserter fact_rows(sql, "INSERT INTO session_facts (session_id, project_id, kind, value)");
    Inserter text_rows(sql,
                       "INSERT INTO session_fact_texts (session_id, project_id, urls, clicks, "
                       "console)");
    const int last = std::min(sessions, first + kSessionsPerTransaction);
    for (int i = first; i < last; ++i) {
      SeedSession s = MakeSession(rng, i, now);
      const std::string ended = std::to_string(s.started_at + s.duration_ms);
      session_rows.Add(Quote(s.id) + "," + Quote(project_id) + "," + Quote("visit-" + s.id) + "," +
                       Quote(s.user_id) + "," + Quote(s.first_url) + "," +
                       std::to_string(s.started_at) + "," + ended + "," + ended + ",'idle'," +
                       std::to_string(s.duration_ms) + "," + std::to_string(s.duration_ms / 250) +
                       "," + std::to_string(s.error_count) + "," + std::to_string(s.urls.size()) +
                       ",'ready'," + ended + "," + ended);
      // As SessionFactsRepository::Put stores them: one row per value,
      // lower-cased, and the values of each text kind joined by '\n'.
      auto fact = [&](const char* kind, const std::string& value) {
        fact_rows.Add(Quote(s.id) + "," + Quote(project_id) + "," + Quote(kind) + "," +
                      Quote(value));
        ++facts;
      };
      auto texts = [&](const char* kind, const std::set<std::string>& values) {
        std::set<std::string> lower;
        for (std::string v : values) {
          std::transform(v.begin(), v.end(), v.begin(),
                         [](unsigned char c) { return std::tolower(c); });
          lower.insert(std::move(v));
        }
        std::string joined;
        for (const std::string& v : lower) {
          fact(kind, v);
          joined += (joined.empty() ? "" : "\n") + v;
        }
        return Quote(joined);
      };
      text_rows.Add(Quote(s.id) + "," + Quote(project_id) + "," + texts("url", s.urls) + "," +
                    texts("click", s.clicks) + "," + texts("console", s.console));
      if (s.failed_request) fact("failed_request", "");
      if (s.rage_click) fact("rage_click", "");
    }
    session_rows.Flush();
    fact_rows.Flush();
    text_rows.Flush();
    tx.commit();
  }
  if (postgres) sql << "VACUUM ANALYZE";
  return facts;
}

// One search of the session list, with the values it cycles through (one
// per run, so a run is not the previous one's cached answer).
struct Search {
  const char* name;
  std::vector<std::vector<std::pair<std::string, std::string>>> variants;
};

std::vector<Search> Searches() {
  using Params = std::vector<std::pair<std::string, std::string>>;
  std::vector<Search> out;
  out.push_back({"list (no filter)", {Params{}}});
  out.push_back({"visited_url, common",
                 {{{"visited_url", "checkout"}},
                  {{"visited_url", "/cart"}},
                  {{"visited_url", "search?q="}},
                  {{"visited_url", "category/lamps"}}}});
  Search rare_url{"visited_url, rare", {}};
  for (int id : {8123, 15077, 19011, 12345}) {
    rare_url.variants.push_back({{"visited_url", ProductPath(id)}});
  }
  out.push_back(rare_url);
  out.push_back({"visited_url, no match",
                 {{{"visited_url", "/careers"}},
                  {{"visited_url", "/blog/2026"}},
                  {{"visited_url", "wishlist/shared"}}}});
  out.push_back({"clicked_text, common",
                 {{{"clicked_text", "add to cart"}},
                  {{"clicked_text", "accept cookies"}},
                  {{"clicked_text", "walnut"}},
                  {{"clicked_text", "size"}}}});
  Search rare_click{"clicked_text, rare", {}};
  for (int id : {9876, 14321, 17777, 11111}) {
    rare_click.variants.push_back({{"clicked_text", ProductName(id)}});
  }
  out.push_back(rare_click);
  out.push_back({"console, common",
                 {{{"console", "typeerror"}}, {{"console", "404"}}, {{"console", "gtm: event"}}}});
  out.push_back({"console, rare",
                 {{{"console", "item 18765"}},
                  {{"console", "p/19876.webp"}},
                  {{"console", "reading 'datalayer'"}}}});
  out.push_back({"failed_request", {{{"failed_request", "true"}}}});
  out.push_back({"rage_click", {{{"rage_click", "true"}}}});
  out.push_back(
      {"combination",
       {{{"visited_url", "checkout"}, {"clicked_text", "pay now"}, {"failed_request", "true"}},
        {{"visited_url", "/cart"}, {"console", "typeerror"}, {"has_errors", "true"}},
        {{"clicked_text", "add to cart"}, {"rage_click", "true"}, {"min_duration", "60"}}}});
  return out;
}

double Percentile(std::vector<double> sorted, double p) {
  std::size_t at = static_cast<std::size_t>(p * (sorted.size() - 1) + 0.5);
  return sorted[std::min(at, sorted.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: search_bench LABEL DATABASE_URL STORAGE_URL [SESSIONS] [RUNS]\n");
    return 2;
  }
  const std::string label = argv[1];
  const std::string url = argv[2];
  const int sessions = argc > 4 ? std::atoi(argv[4]) : 100000;
  const int runs = argc > 5 ? std::atoi(argv[5]) : 200;
  incuera::Options options;
  options.database_url = url;
  options.storage_url = argv[3];
  options.secret_key = "search-bench-secret-key-0123456789abcdef";
  auto engine = Check(incuera::Engine::Open(options), "open");
  incuera::Admin admin(*engine);
  const incuera::Principal system = incuera::Principal::System();
  Check(admin.CreateUser(system, "bench@example.com", "bench-password"), "user");
  incuera::ProjectChanges changes;
  changes.name = "Shop";
  incuera::ProjectSummary project = Check(
      admin.CreateProject(Check(admin.AsUser(system, "bench@example.com"), "as user"), changes),
      "project");

  auto t0 = Clock::now();
  std::int64_t facts = 0;
  try {
    facts = Seed(url, project.id, sessions);
  } catch (const soci::soci_error& e) {
    std::fprintf(stderr, "search_bench: seeding: %.300s\n", e.what());
    return 1;
  }
  std::fprintf(stderr, "search_bench %s: seeded %d sessions, %lld facts in %.1f s\n", label.c_str(),
               sessions, static_cast<long long>(facts),
               std::chrono::duration<double>(Clock::now() - t0).count());

  for (const Search& search : Searches()) {
    std::vector<incuera::SessionFilter> filters;
    for (const auto& params : search.variants) {
      incuera::SessionFilter f = Check(incuera::ParseSessionFilter(params), "filter");
      filters.push_back(std::move(f));
    }
    for (const incuera::SessionFilter& f : filters) {  // warm-up, not counted
      Check(admin.ListSessions(system, project.id, f, {}), "list");
    }
    std::vector<double> ms;
    std::size_t rows = 0;
    for (int i = 0; i < runs; ++i) {
      const incuera::SessionFilter& f = filters[i % filters.size()];
      auto start = Clock::now();
      incuera::Page<incuera::Session> page =
          Check(admin.ListSessions(system, project.id, f, {}), "list");
      ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
      rows += page.items.size();
    }
    std::sort(ms.begin(), ms.end());
    std::printf("| %-8s | %-21s | %8d | %9.1f | %6.1f | %6.1f | %6.1f |\n", label.c_str(),
                search.name, runs, static_cast<double>(rows) / runs, Percentile(ms, 0.5),
                Percentile(ms, 0.95), Percentile(ms, 0.99));
    std::fflush(stdout);
  }
  return 0;
}
