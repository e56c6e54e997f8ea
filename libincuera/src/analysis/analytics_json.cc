// The stored JSON forms of SessionAnalytics (shapes in incuera/analysis.h).
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "incuera/analysis.h"

namespace incuera {
namespace {

namespace json = boost::json;

json::object TargetJson(const TargetNode& target) {
  return {{"node_id", target.node_id}, {"tag", target.tag},   {"id", target.element_id},
          {"classes", target.classes}, {"text", target.text}, {"in_iframe", target.in_iframe}};
}

json::array IssuesJson(const std::vector<ClickIssue>& issues) {
  json::array out;
  for (const ClickIssue& issue : issues) {
    out.push_back(json::object{{"time_ms", issue.time_ms},
                               {"x", issue.x},
                               {"y", issue.y},
                               {"count", issue.count},
                               {"url", issue.url},
                               {"target", TargetJson(issue.target)},
                               {"description", issue.target.Describe()}});
  }
  return out;
}

}  // namespace

std::string TargetNode::Describe() const {
  if (tag.empty()) return "node " + std::to_string(node_id);
  std::string out = tag;
  if (!element_id.empty()) out += "#" + element_id;
  std::size_t start = 0;
  while (start < classes.size()) {
    std::size_t end = classes.find(' ', start);
    if (end == std::string::npos) end = classes.size();
    out += "." + classes.substr(start, end - start);
    start = end + 1;
  }
  if (!text.empty()) out += " \"" + text + "\"";
  return out;
}

std::string SessionAnalytics::ActionCountsJson() const {
  return json::serialize(json::object{{"clicks", counts.clicks},
                                      {"double_clicks", counts.double_clicks},
                                      {"inputs", counts.inputs},
                                      {"keystrokes", counts.keystrokes},
                                      {"scrolls", counts.scrolls},
                                      {"touches", counts.touches},
                                      {"page_loads", counts.page_loads},
                                      {"navigations", counts.navigations},
                                      {"in_app_navigations", counts.in_app_navigations},
                                      {"errors", counts.errors}});
}

std::string SessionAnalytics::HeatmapJson() const {
  json::array pages;
  for (const PageHeatmap& heatmap : heatmaps) {
    json::array points;
    for (const ClickPoint& point : heatmap.points) {
      points.push_back(json::array{point.x, point.y, point.time_ms});
    }
    json::array rows;
    for (int row = 0; row < PageHeatmap::kGrid; ++row) {
      json::array cells;
      for (int column = 0; column < PageHeatmap::kGrid; ++column) {
        cells.push_back(heatmap.histogram[row * PageHeatmap::kGrid + column]);
      }
      rows.push_back(std::move(cells));
    }
    pages.push_back(json::object{{"url", heatmap.url},
                                 {"width", heatmap.width},
                                 {"height", heatmap.height},
                                 {"points", std::move(points)},
                                 {"histogram", std::move(rows)}});
  }
  return json::serialize(json::object{{"grid", PageHeatmap::kGrid}, {"pages", std::move(pages)}});
}

std::string SessionAnalytics::FunnelJson() const {
  json::array visit_list;
  for (const PageVisit& visit : visits) {
    visit_list.push_back(json::object{
        {"url", visit.url}, {"start_ms", visit.start_ms}, {"duration_ms", visit.duration_ms}});
  }
  json::array steps;
  json::value drop_off = nullptr;
  for (std::size_t i = 0; i < funnel_steps.size(); ++i) {
    bool reached = i < funnel_reached_ms.size();
    if (!reached && drop_off.is_null()) drop_off = json::string(funnel_steps[i].name);
    steps.push_back(json::object{
        {"name", funnel_steps[i].name},
        {"url_pattern", funnel_steps[i].url_pattern},
        {"reached", reached},
        {"time_ms", reached ? json::value(funnel_reached_ms[i]) : json::value(nullptr)}});
  }
  return json::serialize(json::object{{"visits", std::move(visit_list)},
                                      {"steps", std::move(steps)},
                                      {"completed", funnel_completed},
                                      {"drop_off_step", std::move(drop_off)}});
}

std::string SessionAnalytics::ErrorsJson() const {
  json::array out;
  for (const SessionError& error : errors) {
    out.push_back(json::object{{"time_ms", error.time_ms},
                               {"kind", error.kind},
                               {"message", error.message},
                               {"stack", error.stack},
                               {"source", error.source},
                               {"url", error.url}});
  }
  return json::serialize(out);
}

std::string SessionAnalytics::MetricsJson() const {
  json::array depths;
  for (const ScrollDepth& depth : scroll_depth) {
    depths.push_back(
        json::object{{"url", depth.url},
                     {"max_scroll_y", depth.max_scroll_y},
                     {"viewport_height", depth.viewport_height},
                     {"max_bottom_px", depth.max_bottom_px},
                     {"document_height", depth.document_height},
                     {"depth", depth.depth ? json::value(*depth.depth) : json::value(nullptr)}});
  }
  return json::serialize(json::object{{"duration_ms", duration_ms},
                                      {"active_ms", active_ms},
                                      {"idle_ms", idle_ms},
                                      {"rage_clicks", IssuesJson(rage_clicks)},
                                      {"dead_clicks", IssuesJson(dead_clicks)},
                                      {"scroll_depth", std::move(depths)},
                                      {"timeline", timeline}});
}

}  // namespace incuera
