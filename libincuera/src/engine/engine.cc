#include "incuera/engine.h"

#include "incuera/auth.h"
#include "incuera/env.h"
#include "incuera/ingest.h"
#include "incuera/object_store.h"
#include "incuera/queue.h"
#include "incuera/quota.h"
#include "incuera/store.h"

namespace incuera {

// Everything an Engine owns, in construction order (destroyed in reverse, so
// services go before the backends they use).
struct Engine::Parts {
  Options options;
  std::unique_ptr<Store> store;
  std::unique_ptr<JobQueue> queue;
  std::unique_ptr<ObjectStore> objects;
  std::unique_ptr<Auth> auth;
  std::unique_ptr<Quotas> quotas;
  std::unique_ptr<IngestService> ingest;
};

Result<std::unique_ptr<Engine>> Engine::Open(const Options& options) {
  auto parts = std::make_unique<Parts>();
  parts->options = options;
  Env& env = options.env ? *options.env : Env::Default();
  INCUERA_ASSIGN_OR_RETURN(parts->store,
                           OpenStore(options.database_url, options.database_pool_size, env));
  if (options.auto_migrate) {
    INCUERA_RETURN_IF_ERROR(parts->store->Migrate().status().WithContext("migrate"));
  }
  INCUERA_ASSIGN_OR_RETURN(parts->queue, OpenJobQueue(options.queue_url, *parts->store, env));
  INCUERA_ASSIGN_OR_RETURN(parts->objects, OpenObjectStore(options.storage_url, env));
  INCUERA_ASSIGN_OR_RETURN(std::string secret, LoadOrCreateSecretKey(options));
  parts->auth = std::make_unique<Auth>(secret, *parts->store, options.auth, env);
  parts->quotas = std::make_unique<Quotas>(*parts->store, options.quotas);
  parts->ingest = std::make_unique<IngestService>(
      *parts->store, *parts->queue, options, [clock = &env] { return clock->NowMs(); },
      parts->quotas.get());
  return std::unique_ptr<Engine>(new Engine(std::move(parts)));
}

Engine::Engine(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
Engine::~Engine() = default;

const Options& Engine::options() const { return parts_->options; }
Env& Engine::env() { return parts_->options.env ? *parts_->options.env : Env::Default(); }
std::string_view Engine::database_backend() { return parts_->store->backend(); }
Store& Engine::store() { return *parts_->store; }
JobQueue& Engine::queue() { return *parts_->queue; }
ObjectStore& Engine::objects() { return *parts_->objects; }
Auth& Engine::auth() { return *parts_->auth; }
IngestService& Engine::ingest() { return *parts_->ingest; }
Quotas& Engine::quotas() { return *parts_->quotas; }

}  // namespace incuera
