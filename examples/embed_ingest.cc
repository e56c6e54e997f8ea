// Embedding Incuera: open an Engine on a SQLite database, set up a user, a
// project and an ingest key through the admin service (as the trusted system
// caller, like the `incuera` CLI), store one batch of rrweb events the way
// the HTTP server would, and read the session and the project's storage back.
//
//   build/examples/embed_ingest [database-url]
#include <incuera/admin.h>
#include <incuera/auth.h>
#include <incuera/engine.h>
#include <incuera/ingest.h>

#include <cstdio>
#include <string>

namespace {

int Fail(const incuera::Status& s) {
  std::fprintf(stderr, "embed_ingest: %s\n", s.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  incuera::Options options;
  options.database_url = argc > 1 ? argv[1] : "sqlite://var/embed_example.db";
  options.storage_url = "file://var/embed_example_objects";
  options.secret_key = "example-secret-key-change-me";
  auto engine = incuera::Engine::Open(options);
  if (!engine.ok()) return Fail(engine.status());
  incuera::Engine& e = **engine;

  // Users, projects and keys follow the admin API's rules (email and slug
  // checks, cascades on delete) whoever calls: here the system caller.
  incuera::Admin admin(e);
  const incuera::Principal system = incuera::Principal::System();
  const std::string email = "owner-" + incuera::NewUuid().substr(0, 8) + "@example.com";
  auto owner = admin.CreateUser(system, email, "correct horse battery staple");
  if (!owner.ok()) return Fail(owner.status());
  auto as_owner = admin.AsUser(system, owner->id);
  if (!as_owner.ok()) return Fail(as_owner.status());
  incuera::ProjectChanges changes;
  changes.name = "Example";
  auto project = admin.CreateProject(*as_owner, changes);  // slug "example", from the name
  if (!project.ok()) return Fail(project.status());
  auto key = admin.CreateApiKey(system, project->id, "example", incuera::KeyScope::kIngest);
  if (!key.ok()) return Fail(key.status());
  std::printf("project %s, ingest key (shown once): %s\n", project->slug.c_str(),
              key->secret.c_str());

  // What the SDK would POST to /api/ingest, checked as the server checks it.
  const std::string body = R"({"sessionId":"example-visit","seq":0,"events":[
    {"type":4,"data":{"href":"https://shop.example/","width":1280,"height":720},"timestamp":1700000000000},
    {"type":3,"data":{"source":2,"type":2,"id":5,"x":100,"y":200},"timestamp":1700000001500}]})";
  auto batch = incuera::ParseIngestBody(body);
  if (!batch.ok()) return Fail(batch.status());
  auto verified = e.auth().VerifyApiKey(key->secret, incuera::KeyScope::kIngest);
  if (!verified.ok()) return Fail(verified.status());
  auto result = e.ingest().Ingest(*project, *batch);
  if (!result.ok()) return Fail(result.status());

  auto session = admin.GetSession(system, result->session_id);
  if (!session.ok()) return Fail(session.status());
  std::printf("session %s: %lld events, status %s\n", session->id.c_str(),
              static_cast<long long>(session->event_count),
              std::string(incuera::SessionStatusName(session->status)).c_str());
  auto usage = admin.ProjectUsage(system, project->id);
  if (!usage.ok()) return Fail(usage.status());
  std::printf("project storage: %lld bytes of events as stored (%lld received)\n",
              static_cast<long long>(usage->event_bytes),
              static_cast<long long>(usage->raw_event_bytes));
  return 0;
}
