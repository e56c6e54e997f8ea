// Embedding Incuera: open an Engine on a temporary SQLite database, create a
// user, a project and an ingest key, store one batch of rrweb events the way
// the HTTP server would, and read the session back.
//
//   build/examples/embed_ingest [database-url]
#include <cstdio>
#include <string>

#include <incuera/auth.h>
#include <incuera/engine.h>
#include <incuera/ingest.h>
#include <incuera/store.h>

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

  incuera::User user;
  user.email = "owner-" + incuera::NewUuid().substr(0, 8) + "@example.com";
  auto hash = e.auth().HashPassword("correct horse battery staple");
  if (!hash.ok()) return Fail(hash.status());
  user.password_hash = *hash;
  auto owner = e.store().users().Create(user);
  if (!owner.ok()) return Fail(owner.status());

  incuera::Project project;
  project.owner_id = owner->id;
  project.name = "Example";
  project.slug = "example";
  auto stored_project = e.store().projects().Create(project);
  if (!stored_project.ok()) return Fail(stored_project.status());

  auto key = e.auth().CreateApiKey(stored_project->id, "example", incuera::KeyScope::kIngest);
  if (!key.ok()) return Fail(key.status());
  std::printf("ingest key (shown once): %s\n", key->secret.c_str());

  // What the SDK would POST to /api/ingest.
  const std::string body = R"({"sessionId":"example-session","seq":0,"events":[
    {"type":4,"data":{"href":"https://shop.example/","width":1280,"height":720},"timestamp":1700000000000},
    {"type":3,"data":{"source":2,"type":2,"id":5,"x":100,"y":200},"timestamp":1700000001500}]})";
  auto batch = incuera::ParseIngestBody(body);
  if (!batch.ok()) return Fail(batch.status());
  auto verified = e.auth().VerifyApiKey(key->secret, incuera::KeyScope::kIngest);
  if (!verified.ok()) return Fail(verified.status());
  auto result = e.ingest().Ingest(*stored_project, *batch);
  if (!result.ok()) return Fail(result.status());

  auto session = e.store().sessions().GetByClientId(stored_project->id, "example-session");
  if (!session.ok()) return Fail(session.status());
  std::printf("session %s: %lld events, status %s\n", session->id.c_str(),
              static_cast<long long>(session->event_count),
              std::string(incuera::SessionStatusName(session->status)).c_str());
  return 0;
}
