// The "analyze" job: deterministic analytics over the stored events, a click
// heatmap PNG (over the thumbnail, or on a blank page when the session has no
// render), and the LLM summary when a key is set (with the render's keyframes
// when there are any). It needs nothing from the render: it runs whether the
// render succeeded or failed.
#include <algorithm>
#include <boost/json.hpp>
#include <optional>
#include <utility>

#include "core/session_files.h"
#include "engine/store_access.h"
#include "incuera/analysis.h"
#include "incuera/lifecycle.h"
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
  const internal::SessionFiles files(session.id);
  for (const internal::KeyframeEntry& k : internal::ParseKeyframes(*index)) {
    auto jpeg = ReadObject(objects, files.keyframe(k.index));
    if (jpeg.ok()) out.push_back({std::move(*jpeg), k.session_time_ms});
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

// The thumbnail with where the render put the page in it (render.json).
struct Thumbnail {
  std::string jpeg;
  int width = 0, height = 0;
  int64_t session_ms = 0;
  HeatmapPlacement placement;
};

// nullopt when the session has no thumbnail or was rendered without a
// render.json (then the placement of the page in it is unknown).
std::optional<Thumbnail> LoadThumbnail(ObjectStore& objects, const Session& session) {
  if (session.thumbnail_key.empty()) return std::nullopt;
  auto info_text = ReadObject(objects, internal::SessionFiles(session.id).render_info());
  auto jpeg = ReadObject(objects, session.thumbnail_key);
  if (!info_text.ok() || !jpeg.ok()) return std::nullopt;
  std::optional<internal::RenderInfo> info = internal::ParseRenderInfo(*info_text);
  if (!info) return std::nullopt;
  Thumbnail thumbnail;
  thumbnail.jpeg = std::move(*jpeg);
  thumbnail.width = info->width;
  thumbnail.height = info->height;
  thumbnail.session_ms = info->thumbnail_session_ms;
  thumbnail.placement = {info->placement_x,       info->placement_y,     info->placement_width,
                         info->placement_height,  info->placement_scale, info->thumbnail_scroll_x,
                         info->thumbnail_scroll_y};
  if (thumbnail.width <= 0 || thumbnail.height <= 0 || thumbnail.placement.scale <= 0) {
    return std::nullopt;
  }
  return thumbnail;
}

// The recorded viewport of a page: its width as the heatmap has it (the
// widest viewport, or wider when a click was), its height from the scroll
// depth; both within the PNG's limits.
std::pair<int, int> ViewportSize(const SessionAnalytics& r, const PageHeatmap& page) {
  int height = page.height;
  for (const ScrollDepth& depth : r.scroll_depth) {
    if (depth.url == page.url && depth.viewport_height > 0) height = depth.viewport_height;
  }
  return {std::clamp(page.width, 1, kMaxHeatmapSide), std::clamp(height, 1, kMaxHeatmapSide)};
}

// The heatmap of the page the thumbnail shows, over the thumbnail where the
// page is in it. Otherwise (no render, or the thumbnail shows a page without
// clicks) that of the first page with clicks, on a blank page of its
// recorded viewport size. Empty when no page has clicks.
Result<std::string> HeatmapPng(Engine& engine, const Session& session, const SessionAnalytics& r) {
  auto with_clicks = [&](const std::string& url) -> const PageHeatmap* {
    for (const PageHeatmap& page : r.heatmaps) {
      if (page.url == url && !page.points.empty()) return &page;
    }
    return nullptr;
  };
  if (std::optional<Thumbnail> thumbnail = LoadThumbnail(engine.objects(), session)) {
    const PageVisit* shown = nullptr;
    for (const PageVisit& visit : r.visits) {
      if (visit.start_ms <= thumbnail->session_ms) shown = &visit;
    }
    if (const PageHeatmap* page = shown ? with_clicks(shown->url) : nullptr) {
      return RenderHeatmapPng(*page, thumbnail->width, thumbnail->height, thumbnail->jpeg,
                              thumbnail->placement);
    }
  }
  for (const PageHeatmap& page : r.heatmaps) {
    if (page.points.empty()) continue;
    const auto [width, height] = ViewportSize(r, page);
    return RenderHeatmapPngOnBlankPage(page, width, height);
  }
  return std::string();
}

}  // namespace

Status AnalyzeStoredSession(Engine& engine, const std::string& session_id) {
  Store& store = internal::StoreOf(engine);
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
  SessionFacts facts = SessionFactsFrom(r);
  facts.session_id = session_id;
  INCUERA_RETURN_IF_ERROR(store.session_facts().Put(facts));

  if (auto png = HeatmapPng(engine, session, r); png.ok() && !png->empty()) {
    std::string key = internal::SessionFiles(session_id).heatmap();
    if (engine.objects().Put(key, *png, "image/png").ok()) analysis.heatmap_key = key;
  }
  analysis.summary_json = Summarize(engine, session, r, analysis.model);
  analysis.status = AnalysisStatus::kCompleted;
  INCUERA_RETURN_IF_ERROR(store.analyses().Put(analysis));
  return RecordObjectBytes(engine, session_id);
}

}  // namespace incuera
