// The "analyze" job: deterministic analytics over the stored events, a click
// heatmap PNG over the thumbnail, and the LLM summary when a key is set.
#include <boost/json.hpp>

#include "incuera/analysis.h"
#include "incuera/object_store.h"
#include "incuera/store.h"
#include "incuera/worker.h"

namespace incuera {
namespace {

std::string StatusJson(const char* status, const std::string& reason) {
  return boost::json::serialize(boost::json::object{{"status", status}, {"reason", reason}});
}

// Keyframes listed in the render's keyframes.json, with their JPEG bytes.
std::vector<LlmKeyframe> LoadKeyframes(ObjectStore& objects, const Session& session) {
  std::vector<LlmKeyframe> out;
  if (session.keyframes_key.empty()) return out;
  auto index = ReadObject(objects, session.keyframes_key);
  if (!index.ok()) return out;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(*index, ec);
  if (ec || !v.is_array()) return out;
  const std::string prefix = "sessions/" + session.id + "/";
  for (const auto& item : v.as_array()) {
    if (!item.is_object()) continue;
    const auto& o = item.as_object();
    const auto* n = o.if_contains("index");
    const auto* t = o.if_contains("session_time_ms");
    if (!n || !n->is_int64() || !t || !t->is_number()) continue;
    auto jpeg = ReadObject(objects, prefix + "keyframe-" + std::to_string(n->as_int64()) + ".jpg");
    if (jpeg.ok()) out.push_back({std::move(*jpeg), t->to_number<std::int64_t>()});
  }
  return out;
}

// The LLM part, never failing the analysis: its outcome goes into the JSON.
std::string Summarize(Engine& engine, const Session& session, const SessionAnalytics& r,
                      std::string& model) {
  const LlmOptions& llm = engine.options().llm;
  if (llm.api_key.empty()) {
    return StatusJson("disabled", "no LLM_API_KEY configured; deterministic analytics only");
  }
  LlmInput input{r.timeline, r.ActionCountsJson(), LoadKeyframes(engine.objects(), session)};
  auto summary = LlmClient(llm).Summarize(input);
  if (!summary.ok()) return StatusJson("failed", summary.status().message());
  model = llm.model;
  return summary->ToJson();
}

}  // namespace

Status AnalyzeStoredSession(Engine& engine, const std::string& session_id) {
  Store& store = engine.store();
  INCUERA_ASSIGN_OR_RETURN(Session session, store.sessions().Get(session_id));
  INCUERA_ASSIGN_OR_RETURN(Project project, store.projects().Get(session.project_id));
  Analysis analysis;
  analysis.session_id = session_id;
  analysis.status = AnalysisStatus::kRunning;
  INCUERA_RETURN_IF_ERROR(store.analyses().Put(analysis));

  Analyzer analyzer(engine.options().analysis, project.settings.funnel_steps);
  Status fed = store.events().ForEach(
      session_id, [&](const EventChunk& chunk) { return analyzer.Feed(chunk.payload); });
  if (fed.ok()) fed = analyzer.CheckComplete();  // a truncated last batch is an error
  if (!fed.ok()) {
    analysis.status = AnalysisStatus::kFailed;
    analysis.error = fed.message().substr(0, 200);
    INCUERA_RETURN_IF_ERROR(store.analyses().Put(analysis));
    return fed;
  }
  SessionAnalytics r = analyzer.Finish();
  analysis.action_counts_json = r.ActionCountsJson();
  analysis.heatmap_json = r.HeatmapJson();
  analysis.funnel_json = r.FunnelJson();
  analysis.errors_json = r.ErrorsJson();
  analysis.metrics_json = r.MetricsJson();

  // The heatmap of the first page with clicks, drawn over the thumbnail.
  for (const PageHeatmap& page : r.heatmaps) {
    if (page.points.empty()) continue;
    std::string background;
    if (!session.thumbnail_key.empty()) {
      if (auto jpeg = ReadObject(engine.objects(), session.thumbnail_key); jpeg.ok()) {
        background = std::move(*jpeg);
      }
    }
    const RenderOptions& ro = engine.options().render;
    auto png = RenderHeatmapPng(page, ro.width, ro.height, background);
    if (png.ok()) {
      std::string key = "sessions/" + session_id + "/heatmap.png";
      if (engine.objects().Put(key, *png, "image/png").ok()) analysis.heatmap_key = key;
    }
    break;
  }
  analysis.summary_json = Summarize(engine, session, r, analysis.model);
  analysis.status = AnalysisStatus::kCompleted;
  return store.analyses().Put(analysis);
}

}  // namespace incuera
