// Projects and their API keys: /api/projects[/{ref}[/api-keys[/{id}]]], where
// {ref} is a project's slug or id.
#include "http/admin_bodies.h"
#include "http/admin_json.h"
#include "http/caller.h"

namespace incuera::http::internal {
namespace {

std::string Serialize(const boost::json::object& o) { return boost::json::serialize(o); }

Status List(Context& ctx, const Request&, Response& res, const Principal& who) {
  INCUERA_ASSIGN_OR_RETURN(std::vector<ProjectSummary> projects, ctx.admin.ListProjects(who));
  boost::json::array items;
  for (const ProjectSummary& p : projects) items.push_back(ProjectJson(p));
  WriteJson(res, Serialize({{"projects", std::move(items)}}));
  return OkStatus();
}

Status Create(Context& ctx, const Request& req, Response& res, const Principal& who) {
  INCUERA_ASSIGN_OR_RETURN(ProjectChanges changes, ParseProjectBody(req.body, {}));
  INCUERA_ASSIGN_OR_RETURN(ProjectSummary project, ctx.admin.CreateProject(who, changes));
  WriteJson(res, Serialize(ProjectJson(project)), 201);
  return OkStatus();
}

Status Get(Context& ctx, const Request& req, Response& res, const Principal& who) {
  INCUERA_ASSIGN_OR_RETURN(ProjectSummary project, ctx.admin.GetProject(who, req.matches[1].str()));
  WriteJson(res, Serialize(ProjectJson(project)));
  return OkStatus();
}

Status Update(Context& ctx, const Request& req, Response& res, const Principal& who) {
  const std::string ref = req.matches[1].str();
  INCUERA_ASSIGN_OR_RETURN(ProjectSummary current, ctx.admin.GetProject(who, ref));
  INCUERA_ASSIGN_OR_RETURN(ProjectChanges changes, ParseProjectBody(req.body, current.settings));
  INCUERA_ASSIGN_OR_RETURN(ProjectSummary project, ctx.admin.UpdateProject(who, ref, changes));
  WriteJson(res, Serialize(ProjectJson(project)));
  return OkStatus();
}

Status Delete(Context& ctx, const Request& req, Response& res, const Principal& who) {
  INCUERA_RETURN_IF_ERROR(ctx.admin.DeleteProject(who, req.matches[1].str()));
  res.status = 204;
  return OkStatus();
}

Status ListKeys(Context& ctx, const Request& req, Response& res, const Principal& who) {
  INCUERA_ASSIGN_OR_RETURN(std::vector<ApiKey> keys,
                           ctx.admin.ListApiKeys(who, req.matches[1].str()));
  boost::json::array items;
  for (const ApiKey& k : keys) items.push_back(ApiKeyJson(k));
  WriteJson(res, Serialize({{"api_keys", std::move(items)}}));
  return OkStatus();
}

Status CreateKey(Context& ctx, const Request& req, Response& res, const Principal& who) {
  INCUERA_ASSIGN_OR_RETURN(ApiKeyBody body, ParseApiKeyBody(req.body));
  INCUERA_ASSIGN_OR_RETURN(
      NewApiKey key,
      ctx.admin.CreateApiKey(who, req.matches[1].str(), body.name, body.scope, body.expires_at));
  WriteJson(res, Serialize({{"api_key", ApiKeyJson(key.key)}, {"secret", key.secret}}), 201);
  return OkStatus();
}

Status RevokeKey(Context& ctx, const Request& req, Response& res, const Principal& who) {
  INCUERA_RETURN_IF_ERROR(ctx.admin.RevokeApiKey(who, req.matches[1].str(), req.matches[2].str()));
  res.status = 204;
  return OkStatus();
}

Status EraseVisitor(Context& ctx, const Request& req, Response& res, const Principal& who) {
  INCUERA_ASSIGN_OR_RETURN(
      std::int64_t removed,
      ctx.admin.EraseVisitor(who, req.matches[1].str(), req.get_param_value("user")));
  WriteJson(res, Serialize({{"sessions_removed", removed}}));
  return OkStatus();
}

Status ListSavedFilters(Context& ctx, const Request& req, Response& res, const Principal& who) {
  INCUERA_ASSIGN_OR_RETURN(std::vector<SavedFilter> filters,
                           ctx.admin.ListSavedFilters(who, req.matches[1].str()));
  boost::json::array items;
  for (const SavedFilter& f : filters) items.push_back(SavedFilterJson(f));
  WriteJson(res, Serialize({{"saved_filters", std::move(items)}}));
  return OkStatus();
}

Status CreateSavedFilter(Context& ctx, const Request& req, Response& res, const Principal& who) {
  INCUERA_ASSIGN_OR_RETURN(SavedFilterBody body, ParseSavedFilterBody(req.body));
  INCUERA_ASSIGN_OR_RETURN(
      SavedFilter filter,
      ctx.admin.CreateSavedFilter(who, req.matches[1].str(), body.name, body.filters));
  WriteJson(res, Serialize(SavedFilterJson(filter)), 201);
  return OkStatus();
}

Status DeleteSavedFilter(Context& ctx, const Request& req, Response& res, const Principal& who) {
  INCUERA_RETURN_IF_ERROR(
      ctx.admin.DeleteSavedFilter(who, req.matches[1].str(), req.matches[2].str()));
  res.status = 204;
  return OkStatus();
}

}  // namespace

void MountProjectRoutes(Router& server, const std::shared_ptr<Context>& ctx) {
  constexpr char kProject[] = R"(/api/projects/([^/]+))";
  constexpr char kKeys[] = R"(/api/projects/([^/]+)/api-keys)";
  constexpr char kKey[] = R"(/api/projects/([^/]+)/api-keys/([^/]+))";
  server.Get("/api/projects", AdminRoute(ctx, List));
  server.Post("/api/projects", AdminRoute(ctx, Create));
  server.Get(kProject, AdminRoute(ctx, Get));
  server.Patch(kProject, AdminRoute(ctx, Update));
  server.Delete(kProject, AdminRoute(ctx, Delete));
  server.Get(kKeys, AdminRoute(ctx, ListKeys));
  server.Post(kKeys, AdminRoute(ctx, CreateKey));
  server.Delete(kKey, AdminRoute(ctx, RevokeKey));
  server.Delete(R"(/api/projects/([^/]+)/visitors)", AdminRoute(ctx, EraseVisitor));
  server.Get(R"(/api/projects/([^/]+)/saved-filters)", AdminRoute(ctx, ListSavedFilters));
  server.Post(R"(/api/projects/([^/]+)/saved-filters)", AdminRoute(ctx, CreateSavedFilter));
  server.Delete(R"(/api/projects/([^/]+)/saved-filters/([^/]+))",
                AdminRoute(ctx, DeleteSavedFilter));
}

}  // namespace incuera::http::internal
