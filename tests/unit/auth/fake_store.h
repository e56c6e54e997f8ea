// An in-memory Store holding just the tables Auth uses (users, api_keys,
// auth_tokens), so the auth tests need no database. The other repositories
// are never called by Auth and answer Unimplemented.
#pragma once

#include <cstdlib>
#include <map>
#include <string>

#include "incuera/store.h"

namespace incuera::test {

class FakeUsers : public UserRepository {
 public:
  Result<User> Create(const User& user) override {
    User row = user;
    if (row.id.empty()) row.id = NewUuid();
    rows_[row.id] = row;
    return row;
  }
  Result<User> Get(const std::string& id) override {
    auto it = rows_.find(id);
    if (it == rows_.end()) return NotFound("user " + id);
    return it->second;
  }
  Result<User> GetByEmail(const std::string&) override { return Unimplemented("fake"); }
  Result<std::vector<User>> List() override { return Unimplemented("fake"); }
  Status UpdatePassword(const std::string& id, const std::string& password_hash) override {
    auto it = rows_.find(id);
    if (it == rows_.end()) return NotFound("user " + id);
    it->second.password_hash = password_hash;
    return OkStatus();
  }
  Result<std::int64_t> Count() override { return static_cast<std::int64_t>(rows_.size()); }
  void Erase(const std::string& id) { rows_.erase(id); }

 private:
  std::map<std::string, User> rows_;
};

class FakeApiKeys : public ApiKeyRepository {
 public:
  Result<ApiKey> Create(const ApiKey& key) override {
    ApiKey row = key;
    if (row.id.empty()) row.id = NewUuid();
    row.created_at = NowMs();
    rows_[row.id] = row;
    return row;
  }
  Result<ApiKey> Get(const std::string& id) override {
    auto it = rows_.find(id);
    if (it == rows_.end()) return NotFound("key " + id);
    return it->second;
  }
  Result<ApiKey> GetByHash(const std::string& hash) override {
    ++lookups;
    for (const auto& [id, row] : rows_) {
      if (row.hash == hash) return row;
    }
    return NotFound("key");
  }
  Result<std::vector<ApiKey>> ListByProject(const std::string&) override {
    return Unimplemented("fake");
  }
  Status Revoke(const std::string& id, TimeMs at) override {
    auto it = rows_.find(id);
    if (it == rows_.end()) return NotFound("key " + id);
    it->second.revoked_at = at;
    return OkStatus();
  }
  Status TouchLastUsed(const std::string& id, TimeMs at) override {
    ++touches;
    rows_.at(id).last_used_at = at;
    return OkStatus();
  }
  int lookups = 0;
  int touches = 0;

 private:
  std::map<std::string, ApiKey> rows_;
};

class FakeTokens : public AuthTokenRepository {
 public:
  Status Create(const AuthToken& token) override {
    rows_[token.token_hash] = token;
    return OkStatus();
  }
  Result<AuthToken> Get(const std::string& token_hash) override {
    auto it = rows_.find(token_hash);
    if (it == rows_.end()) return NotFound("token");
    return it->second;
  }
  Status Revoke(const std::string& token_hash, TimeMs at) override {
    auto it = rows_.find(token_hash);
    if (it == rows_.end()) return NotFound("token");
    it->second.revoked_at = at;
    return OkStatus();
  }
  Status RevokeForUser(const std::string& user_id, TimeMs at) override {
    for (auto& [hash, row] : rows_) {
      if (row.user_id == user_id && !row.revoked_at) row.revoked_at = at;
    }
    return OkStatus();
  }
  Status DeleteExpired(TimeMs) override { return Unimplemented("fake"); }
  std::map<std::string, AuthToken>& rows() { return rows_; }

 private:
  std::map<std::string, AuthToken> rows_;
};

class FakeStore : public Store {
 public:
  UserRepository& users() override { return users_; }
  ProjectRepository& projects() override { std::abort(); }
  ApiKeyRepository& api_keys() override { return keys_; }
  SessionRepository& sessions() override { std::abort(); }
  EventRepository& events() override { std::abort(); }
  AnalysisRepository& analyses() override { std::abort(); }
  AuthTokenRepository& auth_tokens() override { return tokens_; }
  QuotaRepository& quotas() override { std::abort(); }
  CounterRepository& counters() override { std::abort(); }
  NoteRepository& notes() override { std::abort(); }
  SavedFilterRepository& saved_filters() override { std::abort(); }
  SessionFactsRepository& session_facts() override { std::abort(); }
  Result<int> Migrate() override { return 0; }
  Result<int> SchemaVersion() override { return 0; }
  Status Ping() override { return OkStatus(); }
  std::string_view backend() const override { return "fake"; }
  Result<std::unique_ptr<JobQueue>> OpenQueue() override {
    return Unimplemented("the fake store keeps no jobs");
  }

  FakeUsers& fake_users() { return users_; }
  FakeApiKeys& fake_keys() { return keys_; }
  FakeTokens& fake_tokens() { return tokens_; }

 private:
  FakeUsers users_;
  FakeApiKeys keys_;
  FakeTokens tokens_;
};

}  // namespace incuera::test
