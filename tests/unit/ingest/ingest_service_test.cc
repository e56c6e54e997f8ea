#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/compression.h"
#include "incuera/ingest.h"
#include "incuera/queue.h"
#include "incuera/quota.h"
#include "incuera/store.h"
#include "support/test_env.h"

namespace incuera {
namespace {

// Records enqueued jobs; the lifecycle only ever enqueues.
class RecordingQueue : public JobQueue {
 public:
  Result<Job> Enqueue(const Job& job) override {
    std::lock_guard<std::mutex> lock(mu_);
    jobs_.push_back(job);
    return job;
  }
  Result<std::optional<Job>> Lease(const std::vector<std::string>&,
                                   std::chrono::milliseconds) override {
    return std::optional<Job>();
  }
  Status Extend(const Job&, std::chrono::milliseconds) override { return OkStatus(); }
  Status Ack(const Job&) override { return OkStatus(); }
  Status Fail(const Job&, const std::string&, bool, std::chrono::milliseconds) override {
    return OkStatus();
  }
  Status Release(const Job&) override { return OkStatus(); }
  Result<int> SweepExpired() override { return 0; }
  Result<QueueStats> Stats() override { return QueueStats{}; }
  Result<std::vector<Job>> ListDead(int) override { return std::vector<Job>(); }
  std::string_view backend() const override { return "recording"; }

  std::vector<Job> jobs() {
    std::lock_guard<std::mutex> lock(mu_);
    return jobs_;
  }

 private:
  std::mutex mu_;
  std::vector<Job> jobs_;
};

constexpr TimeMs kT0 = 1'700'000'000'000;

// A migrated SQLite store with one project, a recording queue, a manual
// clock and the service under test.
struct Fixture {
  Fixture() {
    Result<std::unique_ptr<Store>> opened = OpenStore("sqlite://" + dir.File("ingest.db"), 2);
    REQUIRE(opened.ok());
    store = std::move(*opened);
    REQUIRE(store->Migrate().ok());
    User user;
    user.email = "owner@example.com";
    user.password_hash = "x";
    Result<User> owner = store->users().Create(user);
    REQUIRE(owner.ok());
    Project p;
    p.owner_id = owner->id;
    p.name = "Shop";
    p.slug = "shop";
    p.settings.min_duration_ms = 30'000;
    Result<Project> created = store->projects().Create(p);
    REQUIRE(created.ok());
    project = *created;
    options.ingest.end_grace_period = std::chrono::seconds(30);
    options.ingest.inactivity_timeout = std::chrono::seconds(1800);
    service = std::make_unique<IngestService>(*store, queue, options, [this] { return now; });
  }

  // Parses and ingests a batch of `count` events from `from` to `to`.
  Result<IngestResult> Send(const std::string& id, TimeMs from, TimeMs to,
                            std::optional<int> seq = std::nullopt) {
    std::string body = R"({"sessionId":")" + id + R"(",)";
    if (seq) body += R"("seq":)" + std::to_string(*seq) + ",";
    body += R"("events":[{"type":4,"timestamp":)" + std::to_string(from) +
            R"(,"data":{"href":"https://shop.example/"}},{"type":3,"timestamp":)" +
            std::to_string(to) + R"(,"data":{}}]})";
    bodies.push_back(body);
    Result<ParsedBatch> batch = ParseIngestBody(bodies.back());
    REQUIRE(batch.ok());
    return service->Ingest(project, *batch);
  }

  // Ingests the batch {sessionId: id, events: events_json} (no seq) through
  // `ingest` (another server sharing the store, or this one).
  Result<IngestResult> SendEvents(const std::string& id, const std::string& events_json,
                                  IngestService* ingest = nullptr) {
    bodies.push_back(R"({"sessionId":")" + id + R"(","events":)" + events_json + "}");
    Result<ParsedBatch> batch = ParseIngestBody(bodies.back());
    REQUIRE(batch.ok());
    return (ingest ? ingest : service.get())->Ingest(project, *batch);
  }

  Session Get(const std::string& client_session_id) {
    Result<Session> session = store->sessions().GetByClientSessionId(project.id, client_session_id);
    REQUIRE(session.ok());
    return *session;
  }

  // The session's stored events arrays, uncompressed, in seq order.
  std::vector<std::string> Chunks(const std::string& session_id) {
    std::vector<std::string> out;
    Status visited = store->events().ForEach(session_id, [&](const EventChunk& chunk) {
      if (chunk.codec == "none") {
        out.push_back(chunk.payload);
        return OkStatus();
      }
      Result<std::string> raw = internal::ZstdDecompress(chunk.payload);
      if (!raw.ok()) return raw.status();
      out.push_back(*raw);
      return OkStatus();
    });
    REQUIRE(visited.ok());
    return out;
  }

  test::TempDir dir;
  std::unique_ptr<Store> store;
  RecordingQueue queue;
  Options options;
  TimeMs now = kT0;
  Project project;
  std::unique_ptr<IngestService> service;
  std::vector<std::string> bodies;
};

EndRequest EndOf(const std::string& id) {
  EndRequest end;
  end.session_id = id;
  end.reason = "pagehide";
  return end;
}

TEST_CASE("a start creates the session and a later start never moves started_at forward") {
  Fixture f;
  StartRequest start;
  start.session_id = "s1";
  start.url = "https://shop.example/";
  start.timestamp = kT0;
  Result<std::optional<Session>> first = f.service->Start(f.project, start);
  REQUIRE(first.ok());
  CHECK((*first)->status == SessionStatus::kRecording);
  CHECK((*first)->started_at == kT0);
  CHECK((*first)->url == "https://shop.example/");

  start.timestamp = kT0 + 60'000;
  start.user_email = "shopper@example.com";
  Result<std::optional<Session>> again = f.service->Start(f.project, start);
  REQUIRE(again.ok());
  CHECK((*again)->id == (*first)->id);
  CHECK((*again)->started_at == kT0);
  CHECK((*again)->user_email == "shopper@example.com");
}

TEST_CASE("a batch for an unknown session creates it from the batch") {
  Fixture f;
  Result<IngestResult> sent = f.Send("fresh", kT0 + 5, kT0 + 900, 1);
  REQUIRE(sent.ok());
  CHECK(sent->stored);
  CHECK(sent->events_received == 2);
  Session session = f.Get("fresh");
  CHECK(sent->session_id == session.id);
  CHECK(session.started_at == kT0 + 5);
  CHECK(session.last_event_at == kT0 + 900);
  CHECK(session.event_count == 2);
  CHECK(session.page_count == 1);
  CHECK(session.url == "https://shop.example/");
}

TEST_CASE("a batch with a seq is stored once; batches without one get the next seq") {
  Fixture f;
  REQUIRE(f.Send("s", kT0, kT0 + 10, 1)->stored);
  Result<IngestResult> retry = f.Send("s", kT0, kT0 + 10, 1);
  REQUIRE(retry.ok());
  CHECK(!retry->stored);
  CHECK(retry->events_received == 2);
  REQUIRE(f.Send("s", kT0 + 20, kT0 + 30)->stored);
  REQUIRE(f.Send("s", kT0 + 40, kT0 + 50)->stored);
  Session session = f.Get("s");
  CHECK(session.event_count == 6);
  std::vector<std::string> chunks = f.Chunks(session.id);
  REQUIRE(chunks.size() == 3);
  CHECK(chunks[0] == ParseIngestBody(f.bodies[0]).value().events_json);
  CHECK(chunks[2] == ParseIngestBody(f.bodies[3]).value().events_json);
}

// Events e(from)..e(to-1) as a JSON array, each with its own content.
std::string EventRange(int from, int to) {
  std::string out = "[";
  for (int i = from; i < to; ++i) {
    if (i > from) out += ',';
    std::string type = i == from ? "4" : "3";
    out += R"({"type":)" + type + R"(,"timestamp":)" + std::to_string(kT0 + i) +
           R"(,"data":{"href":"https://shop.example/","i":)" + std::to_string(i) + "}}";
  }
  return out + "]";
}

TEST_CASE("a batch re-sent without seq is stored once, and so are events re-sent before new ones") {
  Fixture f;
  REQUIRE(f.SendEvents("v1", EventRange(0, 3))->stored);
  // The same request again (the SDK never saw the answer): acknowledged, not stored.
  Result<IngestResult> again = f.SendEvents("v1", EventRange(0, 3));
  REQUIRE(again.ok());
  CHECK(!again->stored);
  CHECK(again->events_received == 3);
  CHECK(f.Get("v1").event_count == 3);
  // Put back in front of the queue and sent with what came next: only the new events are stored.
  Result<IngestResult> grown = f.SendEvents("v1", EventRange(0, 5));
  REQUIRE(grown.ok());
  CHECK(grown->stored);
  CHECK(grown->events_received == 5);
  // Failed twice: both earlier batches and one more event.
  REQUIRE(f.SendEvents("v1", EventRange(0, 6))->stored);
  Session session = f.Get("v1");
  CHECK(session.event_count == 6);
  CHECK(session.page_count == 1);  // counters count only what was stored: one Meta event
  std::vector<std::string> chunks = f.Chunks(session.id);
  REQUIRE(chunks.size() == 3);
  CHECK(chunks[0] == EventRange(0, 3));
  CHECK(chunks[1] ==
        R"([{"type":3,"timestamp":1700000000003,"data":{"href":"https://shop.example/","i":3}},)"
        R"({"type":3,"timestamp":1700000000004,"data":{"href":"https://shop.example/","i":4}}])");
  Result<std::string> all = ReadSessionEventsJson(*f.store, session.id);
  REQUIRE(all.ok());
  CHECK(*all == EventRange(0, 6));
}

TEST_CASE("a repeat without seq is recognised by another server sharing the database") {
  Fixture f;
  IngestService other(*f.store, f.queue, f.options, [&f] { return f.now; });
  REQUIRE(f.SendEvents("two", EventRange(0, 4))->stored);
  Result<IngestResult> repeat = f.SendEvents("two", EventRange(0, 4), &other);
  REQUIRE(repeat.ok());
  CHECK(!repeat->stored);
  REQUIRE(f.SendEvents("two", EventRange(0, 7), &other)->stored);
  CHECK(f.Get("two").event_count == 7);
}

TEST_CASE("batches with seq keep their rule: the same events under a new seq are stored") {
  Fixture f;
  REQUIRE(f.Send("seq", kT0, kT0 + 10, 1)->stored);
  REQUIRE(f.Send("seq", kT0, kT0 + 10, 2)->stored);
  CHECK(f.Get("seq").event_count == 4);
}

TEST_CASE("an ended long session is completed and queued for render after the grace period") {
  Fixture f;
  REQUIRE(f.Send("long", kT0, kT0 + 45'000, 1).ok());
  f.now = kT0 + 50'000;
  Result<EndResult> ended = f.service->End(f.project, EndOf("long"));
  REQUIRE(ended.ok());
  CHECK(ended->session_finalized);
  CHECK(ended->video_job_queued);
  Session session = f.Get("long");
  CHECK(session.status == SessionStatus::kRecording);
  CHECK(session.end_reason == "pagehide");
  CHECK(*f.service->FinalizeEnded(f.now + 29'000) == 0);  // still in the grace period
  CHECK(f.queue.jobs().empty());

  f.now += 31'000;
  REQUIRE(*f.service->FinalizeEnded(f.now) == 1);
  session = f.Get("long");
  CHECK(session.status == SessionStatus::kCompleted);
  std::vector<Job> jobs = f.queue.jobs();
  REQUIRE(jobs.size() == 1);
  CHECK(jobs[0].kind == "render");
  CHECK(jobs[0].session_id == session.id);

  Result<EndResult> again = f.service->End(f.project, EndOf("long"));
  REQUIRE(again.ok());
  CHECK(again->session_finalized);
  CHECK(again->video_job_queued);
  CHECK(f.queue.jobs().size() == 1);
}

TEST_CASE(
    "the first render job of a finalized session is tried options.worker.max_attempts times") {
  Fixture f;
  Options options = f.options;
  options.worker.max_attempts = 7;
  IngestService ingest(*f.store, f.queue, options, [&f] { return f.now; });
  const std::string events = R"([{"type":4,"timestamp":)" + std::to_string(kT0) +
                             R"(,"data":{"href":"https://shop.example/"}},{"type":3,"timestamp":)" +
                             std::to_string(kT0 + 45'000) + R"(,"data":{}}])";
  REQUIRE(f.SendEvents("long", events, &ingest)->stored);
  f.now = kT0 + 60'000;
  REQUIRE(ingest.End(f.project, EndOf("long")).ok());
  f.now += 31'000;
  REQUIRE(*ingest.FinalizeEnded(f.now) == 1);
  std::vector<Job> jobs = f.queue.jobs();
  REQUIRE(jobs.size() == 1);
  CHECK(ParseJobKind(jobs[0].kind) == JobKind::kRender);
  CHECK(jobs[0].max_attempts == 7);
}

TEST_CASE("an ended short session is discarded after the grace period and its chunks deleted") {
  Fixture f;
  REQUIRE(f.Send("short", kT0, kT0 + 5'000, 1).ok());
  f.now = kT0 + 6'000;
  Result<EndResult> ended = f.service->End(f.project, EndOf("short"));
  REQUIRE(ended.ok());
  CHECK(ended->session_finalized);
  CHECK(!ended->video_job_queued);
  f.now += 31'000;
  REQUIRE(*f.service->FinalizeEnded(f.now) == 1);
  Session session = f.Get("short");
  CHECK(session.status == SessionStatus::kDiscarded);
  CHECK(f.Chunks(session.id).empty());
  CHECK(f.queue.jobs().empty());
  Result<EndResult> again = f.service->End(f.project, EndOf("short"));
  REQUIRE(again.ok());
  CHECK(!again->video_job_queued);
}

TEST_CASE("the next page of a visit reopens a session ended by the previous page's beacon") {
  Fixture f;
  REQUIRE(f.Send("visit", kT0, kT0 + 10'000, 1).ok());  // page 1: 10 s, under the minimum
  f.now = kT0 + 10'500;
  REQUIRE(f.service->End(f.project, EndOf("visit")).ok());
  StartRequest page2;
  page2.session_id = "visit";
  page2.timestamp = kT0 + 10'600;
  REQUIRE(f.service->Start(f.project, page2).ok());
  CHECK_FALSE(f.Get("visit").ended_at.has_value());
  REQUIRE(f.Send("visit", kT0 + 11'000, kT0 + 50'000, 2).ok());  // page 2: 40 s more

  f.now = kT0 + 60'000;
  REQUIRE(f.service->End(f.project, EndOf("visit")).ok());
  f.now += 31'000;
  REQUIRE(*f.service->FinalizeEnded(f.now) == 1);
  Session session = f.Get("visit");
  CHECK(session.status == SessionStatus::kCompleted);
  CHECK(session.event_count == 4);
  CHECK(f.Chunks(session.id).size() == 2);
}

TEST_CASE("a batch racing the end beacon is kept; after finalization events open the next part") {
  Fixture f;
  REQUIRE(f.Send("late", kT0, kT0 + 40'000, 1).ok());
  f.now = kT0 + 41'000;
  REQUIRE(f.service->End(f.project, EndOf("late")).ok());

  f.now += 10'000;  // inside the 30 s grace period
  Result<IngestResult> late = f.Send("late", kT0 + 40'500, kT0 + 41'000, 2);
  REQUIRE(late.ok());
  CHECK(late->stored);
  Session session = f.Get("late");
  CHECK(session.event_count == 4);
  CHECK(session.last_event_at == kT0 + 41'000);
  CHECK(f.Chunks(session.id).size() == 2);

  f.now += 30'000;  // past it: the sweep finalizes
  REQUIRE(*f.service->FinalizeEnded(f.now) == 1);
  // A heartbeat has no events to continue with: answered with the part as it is.
  HeartbeatRequest beat;
  beat.session_id = "late";
  Result<std::optional<Session>> beaten = f.service->Heartbeat(f.project, beat);
  REQUIRE(beaten.ok());
  CHECK((*beaten)->status == SessionStatus::kCompleted);
  // A repeat of a batch the finalized part stored is acknowledged, not stored again.
  Result<IngestResult> repeat = f.Send("late", kT0 + 40'500, kT0 + 41'000, 2);
  REQUIRE(repeat.ok());
  CHECK(!repeat->stored);
  CHECK(repeat->session_id == session.id);
  // New events open the visit's next part; with no full snapshot the SDK is told to take one.
  Result<IngestResult> later = f.Send("late", kT0 + 70'000, kT0 + 71'000, 3);
  REQUIRE(later.ok());
  CHECK(later->stored);
  CHECK(later->take_full_snapshot);
  CHECK(f.Get("late").event_count == 4);
  Session next = f.Get("late#2");
  CHECK(later->session_id == next.id);
  CHECK(next.part == 2);
  CHECK(next.previous_id == session.id);
  CHECK(f.store->sessions().Get(session.id)->next_id == next.id);
  CHECK(next.event_count == 2);
  CHECK(next.started_at == kT0 + 70'000);
  // Later batches go to the new part; the one before keeps what it had.
  REQUIRE(f.Send("late", kT0 + 72'000, kT0 + 73'000, 4)->stored);
  CHECK(f.Get("late#2").event_count == 4);
  CHECK(f.Get("late").event_count == 4);
}

TEST_CASE("a visitor back after finalization: the start opens the next part, linked both ways") {
  Fixture f;
  StartRequest start;
  start.session_id = "back";
  start.user_id = "u1";
  start.url = "https://shop.example/";
  start.timestamp = kT0;
  Result<std::optional<Session>> first = f.service->Start(f.project, start);
  REQUIRE(first.ok());
  REQUIRE(f.Send("back", kT0, kT0 + 35'000, 1)->stored);
  f.now = kT0 + 36'000;
  REQUIRE(f.service->End(f.project, EndOf("back")).ok());
  f.now += 31'000;
  REQUIRE(*f.service->FinalizeEnded(f.now) == 1);
  REQUIRE(f.Get("back").status == SessionStatus::kCompleted);

  // 100 s later, the same browser: the same SDK session id.
  f.now = kT0 + 136'000;
  start.timestamp = f.now;
  start.url = "https://shop.example/cart";
  start.user_id = "";
  Result<std::optional<Session>> second = f.service->Start(f.project, start);
  REQUIRE(second.ok());
  CHECK((*second)->id != (*first)->id);
  CHECK((*second)->client_session_id == "back#2");
  CHECK((*second)->part == 2);
  CHECK((*second)->previous_id == (*first)->id);
  CHECK((*second)->user_id == "u1");  // the same visitor
  CHECK((*second)->url == "https://shop.example/cart");
  CHECK((*second)->status == SessionStatus::kRecording);
  // The page's pending batch that the first part stored is a repeat; its new ones are stored.
  Result<IngestResult> pending = f.Send("back", kT0, kT0 + 35'000, 1);
  REQUIRE(pending.ok());
  CHECK(!pending->stored);
  Result<IngestResult> fresh = f.Send("back", kT0 + 136'000, kT0 + 140'000, 2);
  REQUIRE(fresh.ok());
  CHECK(fresh->stored);
  CHECK(fresh->session_id == (*second)->id);
  CHECK_FALSE(fresh->take_full_snapshot);  // the part was opened by a start, not by this batch
  CHECK(f.Get("back#2").event_count == 2);

  // A short return continues a kept visit: kept too, not discarded.
  f.now = kT0 + 141'000;
  REQUIRE(f.service->End(f.project, EndOf("back")).ok());
  f.now += 31'000;
  REQUIRE(*f.service->FinalizeEnded(f.now) == 1);
  CHECK(f.Get("back#2").status == SessionStatus::kCompleted);
  CHECK(f.Get("back").next_id == (*second)->id);

  // And a third part after that one.
  f.now = kT0 + 400'000;
  start.timestamp = f.now;
  Result<std::optional<Session>> third = f.service->Start(f.project, start);
  REQUIRE(third.ok());
  CHECK((*third)->client_session_id == "back#3");
  CHECK((*third)->previous_id == (*second)->id);
}

TEST_CASE(
    "the first version's retry after finalization: the repeat is acknowledged, the rest "
    "continues") {
  Fixture f;
  f.project.settings.min_duration_ms = 0;  // kept, so its events stay to compare with
  REQUIRE(f.store->projects().Update(f.project).ok());
  REQUIRE(f.SendEvents("v1back", EventRange(0, 4))->stored);
  f.now = kT0 + 10;
  REQUIRE(f.service->End(f.project, EndOf("v1back")).ok());
  f.now += 31'000;
  REQUIRE(*f.service->FinalizeEnded(f.now) == 1);
  REQUIRE(f.Get("v1back").status == SessionStatus::kCompleted);
  Result<IngestResult> repeat = f.SendEvents("v1back", EventRange(0, 4));
  REQUIRE(repeat.ok());
  CHECK(!repeat->stored);
  // Put back in front of new events: only the new ones go to the next part.
  Result<IngestResult> grown = f.SendEvents("v1back", EventRange(0, 6));
  REQUIRE(grown.ok());
  CHECK(grown->stored);
  Session next = f.Get("v1back#2");
  CHECK(next.event_count == 2);
}

TEST_CASE(
    "a repeat without seq is recognised in any earlier part of the visit, also after its parts "
    "were compacted") {
  Fixture f;
  f.project.settings.min_duration_ms = 0;
  REQUIRE(f.store->projects().Update(f.project).ok());
  // Finalizes the visit's current part (as the sweep does) and compacts it (as its render does).
  auto finish = [&f](const std::string& part_client_id) {
    REQUIRE(f.service->End(f.project, EndOf("many")).ok());
    f.now += 31'000;
    REQUIRE(*f.service->FinalizeEnded(f.now) == 1);
    Session part = f.Get(part_client_id);
    REQUIRE(part.status == SessionStatus::kCompleted);
    Result<CompactResult> compacted = f.store->events().Compact(part.id);
    REQUIRE(compacted.ok());
    return compacted->chunks_after;
  };
  // Part 1: two batches, merged into one chunk.
  REQUIRE(f.SendEvents("many", EventRange(0, 3))->stored);
  REQUIRE(f.SendEvents("many", EventRange(0, 5))->stored);
  CHECK(finish("many") == 1);
  // Its first batch again, then both before a new event: only the new one goes to part 2.
  CHECK_FALSE(f.SendEvents("many", EventRange(0, 3))->stored);
  CHECK_FALSE(f.SendEvents("many", EventRange(0, 5))->stored);
  REQUIRE(f.SendEvents("many", EventRange(0, 6))->stored);
  CHECK(f.Get("many#2").event_count == 1);
  CHECK(finish("many#2") == 1);
  // Part 3: what parts 1 and 2 stored, sent again with two new events.
  Result<IngestResult> grown = f.SendEvents("many", EventRange(0, 8));
  REQUIRE(grown.ok());
  CHECK(grown->stored);
  Session third = f.Get("many#3");
  CHECK(third.event_count == 2);
  // Every event once, over the three parts.
  std::string all;
  for (const std::string& id : {f.Get("many").id, f.Get("many#2").id, third.id}) {
    Result<std::string> events = ReadSessionEventsJson(*f.store, id);
    REQUIRE(events.ok());
    all += (all.empty() ? "" : ",") + events->substr(1, events->size() - 2);
  }
  CHECK("[" + all + "]" == EventRange(0, 8));
}

TEST_CASE("batches go to the session the service remembers, and what the store did to it counts") {
  Fixture f;
  REQUIRE(f.Send("known", kT0, kT0 + 1'000, 0).ok());
  Session first = f.Get("known");

  // Deleted behind the service's back: the next batch creates the session again.
  REQUIRE(f.store->sessions().Delete(first.id).ok());
  Result<IngestResult> again = f.Send("known", kT0 + 2'000, kT0 + 3'000, 1);
  REQUIRE(again.ok());
  CHECK(again->stored);
  Session second = f.Get("known");
  CHECK(second.id != first.id);
  CHECK(again->session_id == second.id);
  CHECK(second.event_count == 2);

  // Finalized behind its back: not stored under the remembered id, but in
  // the visit's next part.
  REQUIRE(f.store->sessions().MarkEnded(second.id, kT0 + 4'000, "end").ok());
  REQUIRE(f.store->sessions()
              .Transition(second.id, SessionStatus::kRecording, SessionStatus::kDiscarded)
              .ok());
  Result<IngestResult> continued = f.Send("known", kT0 + 5'000, kT0 + 6'000, 2);
  REQUIRE(continued.ok());
  CHECK(continued->stored);
  CHECK(continued->session_id != second.id);
  CHECK(f.Get("known").event_count == 2);
  Session next = f.Get("known#2");
  CHECK(next.id == continued->session_id);
  CHECK(next.event_count == 2);
  Result<EndResult> end = f.service->End(f.project, EndOf("known"));
  REQUIRE(end.ok());
  CHECK(end->session_finalized);
  CHECK(f.store->sessions().Get(next.id)->ended_at.has_value());
}

TEST_CASE("a project change is seen by the ingest path within the cache's 5 s") {
  Fixture f;
  Result<Project> first = f.service->GetProject(f.project.id);
  REQUIRE(first.ok());
  CHECK(first->settings.min_duration_ms == 30'000);
  Project changed = f.project;
  changed.settings.min_duration_ms = 1'000;
  changed.domains = {"shop.example"};
  REQUIRE(f.store->projects().Update(changed).ok());

  f.now = kT0 + 4'999;  // still the cached row
  CHECK(f.service->GetProject(f.project.id)->settings.min_duration_ms == 30'000);
  f.now = kT0 + 5'000;
  Result<Project> fresh = f.service->GetProject(f.project.id);
  REQUIRE(fresh.ok());
  CHECK(fresh->settings.min_duration_ms == 1'000);
  CHECK(fresh->domains == std::vector<std::string>{"shop.example"});
  CHECK(f.service->GetProject(NewUuid()).status().code() == StatusCode::kNotFound);
}

TEST_CASE("the project cache lasts as long as the API key cache: options.auth.key_cache_ttl") {
  Fixture f;
  Options options = f.options;
  options.auth.key_cache_ttl = std::chrono::seconds(20);
  IngestService ingest(*f.store, f.queue, options, [&f] { return f.now; });
  REQUIRE(ingest.GetProject(f.project.id).ok());
  Project changed = f.project;
  changed.settings.min_duration_ms = 1'000;
  REQUIRE(f.store->projects().Update(changed).ok());
  f.now = kT0 + 19'999;
  CHECK(ingest.GetProject(f.project.id)->settings.min_duration_ms == 30'000);
  f.now = kT0 + 20'000;
  CHECK(ingest.GetProject(f.project.id)->settings.min_duration_ms == 1'000);

  options.auth.key_cache_ttl = std::chrono::milliseconds(0);  // no cache at all
  IngestService uncached(*f.store, f.queue, options, [&f] { return f.now; });
  REQUIRE(uncached.GetProject(f.project.id).ok());
  changed.settings.min_duration_ms = 2'000;
  REQUIRE(f.store->projects().Update(changed).ok());
  CHECK(uncached.GetProject(f.project.id)->settings.min_duration_ms == 2'000);
}

TEST_CASE("ending a session never seen is NotFound") {
  Fixture f;
  CHECK(f.service->End(f.project, EndOf("ghost")).status().code() == StatusCode::kNotFound);
}

TEST_CASE("quotas: new sessions per hour and events per day are refused with the wait, once") {
  Fixture f;
  QuotaOptions limits;
  limits.sessions_per_hour = 2;
  limits.events_per_day = 5;
  Quotas quotas(*f.store, limits, [&f] { return f.now; });
  IngestService service(
      *f.store, f.queue, f.options, [&f] { return f.now; }, &quotas);
  auto start = [&](const std::string& id) {
    StartRequest request;
    request.session_id = id;
    return service.Start(f.project, request).status();
  };
  CHECK(start("one").ok());
  CHECK(start("two").ok());
  CHECK(start("one").ok());  // the next page of a visit is not a new session
  Status third = start("three");
  CHECK(third.code() == StatusCode::kResourceExhausted);
  CHECK(third.retry_after_seconds() == 2800);  // kT0 is 800 s into its hour
  CHECK(f.store->sessions().GetByClientSessionId(f.project.id, "three").status().code() ==
        StatusCode::kNotFound);
  // Every way a session is created is charged: a batch, a heartbeat.
  f.bodies.push_back(R"({"sessionId":"four","events":[{"type":4,"timestamp":1}]})");
  Status batch = service.Ingest(f.project, *ParseIngestBody(f.bodies.back())).status();
  CHECK(batch.code() == StatusCode::kResourceExhausted);
  HeartbeatRequest beat;
  beat.session_id = "five";
  CHECK(service.Heartbeat(f.project, beat).status().code() == StatusCode::kResourceExhausted);

  // Events: a batch is taken whole while the day is under its limit.
  auto send = [&](const std::string& id) {
    f.bodies.push_back(R"({"sessionId":")" + id +
                       R"(","events":[{"type":4,"timestamp":1},{"type":3,"timestamp":2},)"
                       R"({"type":3,"timestamp":3}]})");
    return service.Ingest(f.project, *ParseIngestBody(f.bodies.back()));
  };
  CHECK(send("one").ok());
  CHECK(send("two").ok());  // 6 of 5
  Result<IngestResult> over = send("one");
  CHECK(over.status().code() == StatusCode::kResourceExhausted);
  CHECK(over.status().retry_after_seconds() == 6400);  // kT0 is 80000 s into its day
  CHECK(f.Get("one").event_count == 3);

  // A new hour lets new sessions in again; the day's events stay counted.
  f.now += 2800 * 1000;
  CHECK(start("three").ok());
  CHECK(send("three").status().code() == StatusCode::kResourceExhausted);
  // Another server on the same database sees the same counts.
  Quotas other(*f.store, limits, [&f] { return f.now; });
  Result<ProjectQuotaUsage> usage = other.Usage(f.project);
  REQUIRE(usage.ok());
  CHECK(usage->sessions_per_hour.used == 1);
  CHECK(usage->sessions_per_hour.limit == 2);
  CHECK_FALSE(usage->sessions_per_hour.from_project);
  CHECK(usage->events_per_day.used == 6);
  CHECK(usage->events_per_day.resets_at == kT0 + 6400 * 1000);
}

TEST_CASE("quotas: events are written to the database once a second, not once a batch") {
  Fixture f;
  QuotaOptions limits;
  limits.events_per_day = 1'000'000;
  Quotas quotas(*f.store, limits, [&f] { return f.now; });
  Quotas other(*f.store, limits, [&f] { return f.now; });  // another server
  auto stored = [&] { return other.Usage(f.project)->events_per_day.used; };
  REQUIRE(quotas.ChargeEvents(f.project, 100).ok());  // the first one is written at once
  CHECK(stored() == 100);
  for (int i = 0; i < 50; ++i) REQUIRE(quotas.ChargeEvents(f.project, 100).ok());
  CHECK(stored() == 100);  // pending in this process
  CHECK(quotas.Usage(f.project)->events_per_day.used == 5'100);  // its own usage writes them
  CHECK(stored() == 5'100);
  for (int i = 0; i < 20; ++i) REQUIRE(quotas.ChargeEvents(f.project, 100).ok());
  f.now += 1'000;
  REQUIRE(quotas.ChargeEvents(f.project, 100).ok());  // a second later: written
  CHECK(stored() == 7'200);
  // 1 % of the limit pending is written at once too.
  REQUIRE(quotas.ChargeEvents(f.project, 10'000).ok());
  CHECK(stored() == 17'200);
}

TEST_CASE("quotas: a project's own limits replace the server's; 0 is no limit") {
  Fixture f;
  QuotaOptions limits;
  limits.sessions_per_hour = 1;
  Quotas quotas(*f.store, limits, [&f] { return f.now; });
  f.project.settings.quotas.sessions_per_hour = 0;
  f.project.settings.quotas.render_minutes_per_day = 1;
  CHECK(quotas.LimitsFor(f.project).sessions_per_hour == 0);
  CHECK(quotas.LimitsFor(f.project).events_per_day == limits.events_per_day);
  for (int i = 0; i < 5; ++i) CHECK(quotas.ChargeSession(f.project).ok());
  // Render minutes: the refusal is final, so the session fails instead of
  // waiting in the queue.
  CHECK(quotas.ChargeRender(f.project, 50'000).ok());
  CHECK(quotas.ChargeRender(f.project, 50'000).ok());  // 100 s of 60: taken whole
  Status refused = quotas.ChargeRender(f.project, 1'000);
  CHECK(refused.code() == StatusCode::kResourceExhausted);
  CHECK(refused.message() == "render quota exceeded");
  CHECK_FALSE(refused.retryable());
  Result<ProjectQuotaUsage> usage = quotas.Usage(f.project);
  REQUIRE(usage.ok());
  CHECK(usage->render_minutes_per_day.used == 2);  // 100 s, rounded up
  CHECK(usage->render_minutes_per_day.from_project);
}

TEST_CASE("a heartbeat for an unknown session creates it") {
  Fixture f;
  HeartbeatRequest beat;
  beat.session_id = "beat";
  beat.timestamp = kT0 - 5;
  Result<std::optional<Session>> session = f.service->Heartbeat(f.project, beat);
  REQUIRE_MESSAGE(session.ok(), session.status().ToString());
  CHECK((*session)->started_at == kT0 - 5);
  CHECK((*session)->status == SessionStatus::kRecording);
}

TEST_CASE("the sweep ends idle sessions and judges each by its length") {
  Fixture f;
  REQUIRE(f.Send("idle_long", kT0, kT0 + 60'000, 1).ok());
  REQUIRE(f.Send("idle_short", kT0, kT0 + 1'000, 1).ok());
  REQUIRE(f.Send("active", kT0, kT0 + 60'000 * 40, 1).ok());
  TimeMs now = kT0 + 60'000 * 45;  // 44 min after the idle ones' last event
  f.now = now;
  Result<int> swept = f.service->SweepInactive(now);
  REQUIRE(swept.ok());
  CHECK(*swept == 2);
  CHECK(f.Get("idle_long").status == SessionStatus::kCompleted);
  CHECK(f.Get("idle_long").end_reason == "inactivity");
  CHECK(f.Get("idle_short").status == SessionStatus::kDiscarded);
  CHECK(f.Get("active").status == SessionStatus::kRecording);
  CHECK(f.queue.jobs().size() == 1);
  CHECK(*f.service->SweepInactive(now) == 0);
}

TEST_CASE("heartbeats keep a quiet open session from being ended by inactivity") {
  Fixture f;
  REQUIRE(f.Send("quiet", kT0, kT0 + 60'000, 0).ok());  // then the visitor only reads
  HeartbeatRequest beat;
  beat.session_id = "quiet";
  for (int minute : {20, 40}) {
    f.now = kT0 + minute * 60'000;
    beat.timestamp = f.now;
    REQUIRE(f.service->Heartbeat(f.project, beat).ok());
  }
  // 44 min after the last event but 5 min after the last heartbeat.
  f.now = kT0 + 45 * 60'000;
  CHECK(*f.service->SweepInactive(f.now) == 0);
  CHECK(f.Get("quiet").status == SessionStatus::kRecording);
  CHECK_FALSE(f.Get("quiet").ended_at.has_value());
  // The heartbeats only postpone the end; they do not lengthen the session.
  CHECK(f.Get("quiet").last_event_at == kT0 + 60'000);

  // The tab was closed without a beacon: 31 min after the last heartbeat.
  f.now = kT0 + 71 * 60'000;
  CHECK(*f.service->SweepInactive(f.now) == 1);
  Session ended = f.Get("quiet");
  CHECK(ended.end_reason == "inactivity");
  CHECK(ended.duration_ms == 60'000);
  CHECK(ended.status == SessionStatus::kCompleted);
}

TEST_CASE("a batch received recently keeps a session whose visitor's clock runs behind") {
  Fixture f;
  // The visitor's clock is an hour behind the server's.
  f.now = kT0 + 60 * 60'000;
  REQUIRE(f.Send("slow_clock", kT0, kT0 + 60'000, 0).ok());
  f.now += 60'000;
  CHECK(*f.service->SweepInactive(f.now) == 0);
  CHECK(f.Get("slow_clock").status == SessionStatus::kRecording);
}

TEST_CASE("sessions marked ended are finalized by FinalizeEnded once the grace period is over") {
  Fixture f;
  REQUIRE(f.Send("half", kT0, kT0 + 40'000, 1).ok());
  Session session = f.Get("half");
  REQUIRE(f.store->sessions().MarkEnded(session.id, kT0 + 41'000, "pagehide").ok());
  CHECK(*f.service->FinalizeEnded(kT0 + 42'000) == 0);  // within the grace period
  f.now = kT0 + 72'000;
  Result<int> finalized = f.service->FinalizeEnded(f.now);
  REQUIRE(finalized.ok());
  CHECK(*finalized == 1);
  CHECK(f.Get("half").status == SessionStatus::kCompleted);
  CHECK(f.queue.jobs().size() == 1);
}

// Every session row of the fixture's project.
std::int64_t SessionRows(Fixture& f) {
  Result<std::map<std::string, std::int64_t>> counts = f.store->sessions().CountByStatus();
  REQUIRE(counts.ok());
  std::int64_t n = 0;
  for (const auto& [status, count] : *counts) n += count;
  return n;
}

TEST_CASE("a visit left out by sampling stores no session, no events and no job") {
  Fixture f;
  f.project.settings.sample_rate = 0;
  StartRequest start;
  start.session_id = "out";
  Result<std::optional<Session>> started = f.service->Start(f.project, start);
  REQUIRE(started.ok());
  CHECK_FALSE(started->has_value());
  for (int seq = 1; seq <= 3; ++seq) {
    Result<IngestResult> sent = f.Send("out", kT0, kT0 + 40'000, seq);
    REQUIRE(sent.ok());
    CHECK_FALSE(sent->sampled);
    CHECK_FALSE(sent->stored);
  }
  Result<IngestResult> unnumbered = f.Send("out", kT0, kT0 + 40'000);
  REQUIRE(unnumbered.ok());
  CHECK_FALSE(unnumbered->stored);
  HeartbeatRequest beat;
  beat.session_id = "out";
  Result<std::optional<Session>> beaten = f.service->Heartbeat(f.project, beat);
  REQUIRE(beaten.ok());
  CHECK_FALSE(beaten->has_value());
  Result<EndResult> ended = f.service->End(f.project, EndOf("out"));
  REQUIRE(ended.ok());
  CHECK_FALSE(ended->sampled);
  CHECK_FALSE(ended->video_job_queued);
  f.now += 3'600'000;
  REQUIRE(f.service->SweepInactive(f.now).ok());
  REQUIRE(f.service->FinalizeEnded(f.now).ok());
  CHECK(SessionRows(f) == 0);
  CHECK(f.queue.jobs().empty());
  CHECK(*f.store->sessions().IsUnsampled(f.project.id, "out"));
}

TEST_CASE("the sampling decision holds for the whole visit when the rate changes") {
  Fixture f;
  // Left out at rate 0: raising the rate does not start recording the
  // middle of the visit, here or on another server sharing the store.
  Project out = f.project;
  out.settings.sample_rate = 0;
  StartRequest start;
  start.session_id = "left-out";
  REQUIRE(f.service->Start(out, start).ok());
  CHECK_FALSE(f.Send("left-out", kT0, kT0 + 1'000, 1)->sampled);
  IngestService other(*f.store, f.queue, f.options, [&f] { return f.now; });
  CHECK_FALSE(*other.Sampled(f.project, "left-out"));
  CHECK_FALSE(*f.service->Sampled(f.project, "left-out"));
  // Its next page starts again: still left out.
  Result<std::optional<Session>> again = other.Start(f.project, start);
  REQUIRE(again.ok());
  CHECK_FALSE(again->has_value());

  // Recorded at rate 1: lowering the rate keeps the visit whole.
  start.session_id = "kept";
  REQUIRE(f.service->Start(f.project, start)->has_value());
  IngestService third(*f.store, f.queue, f.options, [&f] { return f.now; });
  CHECK(*third.Sampled(out, "kept"));
  REQUIRE(f.SendEvents("kept", R"([{"type":2,"timestamp":1,"data":{}}])", &third).ok());
  CHECK(f.Chunks(f.Get("kept").id).size() == 1);
  CHECK(SessionRows(f) == 1);
}

TEST_CASE("a continuation of a recorded visit is recorded whatever the rate became") {
  Fixture f;
  REQUIRE(f.Send("visit", kT0, kT0 + 40'000, 1)->stored);
  REQUIRE(f.service->End(f.project, EndOf("visit")).ok());
  f.now = kT0 + 3'600'000;
  REQUIRE(*f.service->FinalizeEnded(f.now) == 1);
  f.project.settings.sample_rate = 0;
  Result<IngestResult> back = f.Send("visit", f.now, f.now + 1'000, 2);
  REQUIRE(back.ok());
  CHECK(back->sampled);
  CHECK(back->stored);
  CHECK(f.Get("visit#2").previous_id == f.Get("visit").id);
}

}  // namespace
}  // namespace incuera
