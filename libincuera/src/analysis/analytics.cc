// Analyzer: one pass over the rrweb events (rules in incuera/analysis.h).
#include <algorithm>
#include <boost/json/parse.hpp>
#include <cmath>
#include <deque>
#include <map>
#include <set>
#include <utility>

#include "analysis/analytics_util.h"
#include "analysis/events_reader.h"
#include "analysis/node_map.h"
#include "core/text.h"
#include "incuera/analysis.h"
#include "rrweb/event_json.h"
#include "rrweb/events.h"

namespace incuera {

using internal::AsArray;
using internal::AsInt;
using internal::AsNumber;
using internal::AsObject;
using internal::AsString;
using internal::ErrorKind;
using internal::EventType;
using internal::Field;
using internal::IncrementalSource;
using internal::MouseInteraction;

namespace {

// Timeline entries kept before the text is capped (bounds memory).
constexpr std::size_t kMaxTimelineEntries = 2'000;
// Characters of an error message shown in the timeline.
constexpr std::size_t kTimelineMessageChars = 120;
// How far apart the console plugin's and the SDK's reports of one uncaught
// exception may be (both come from the same 'error' dispatch).
constexpr std::int64_t kSameErrorWindowMs = 1'000;

// Whether the console plugin's record `logged` and the SDK's event `reported`
// are the same uncaught error or unhandled rejection. The plugin's message of
// a rejection carries the browser's prefix and the reason's type
// ("Uncaught (in promise) Error: …"), the SDK's only the reason's message.
bool SameReport(const SessionError& logged, const SessionError& reported) {
  const std::string_view console = internal::ErrorKindName(ErrorKind::kConsole);
  if (reported.kind == internal::ErrorKindName(ErrorKind::kUncaught)) {
    return (logged.kind == reported.kind || logged.kind == console) &&
           logged.message == reported.message;
  }
  if (reported.kind == internal::ErrorKindName(ErrorKind::kUnhandledRejection)) {
    return logged.kind == reported.kind && !reported.message.empty() &&
           std::string_view(logged.message).ends_with(reported.message);
  }
  return false;
}

// A console argument as rrweb's console plugin stores it (JSON-stringified):
// a quoted string is unquoted, anything else is kept as is.
std::string ConsoleArgument(std::string_view text) {
  if (text.size() >= 2 && text.front() == '"') {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(text, ec);
    if (!ec && v.is_string()) return std::string(v.get_string());
  }
  return std::string(text);
}

struct Click {
  std::int64_t time_ms;
  double x;
  double y;
};

// Everything tracked per page URL.
struct PageData {
  PageHeatmap heatmap;
  ScrollDepth depth;
  int max_viewport_width = 0;
};

}  // namespace

class Analyzer::Impl {
 public:
  Impl(const AnalysisOptions& options, std::vector<FunnelStep> funnel_steps) : options_(options) {
    result_.funnel_steps = std::move(funnel_steps);
  }

  Status Feed(std::string_view text) {
    return reader_.Feed(text, [this](const boost::json::object& event) {
      Handle(event);
      return OkStatus();
    });
  }

  Status CheckComplete() const { return reader_.CheckComplete(); }

  SessionAnalytics Finish();

 private:
  void Handle(const boost::json::object& event);
  void HandleMeta(const boost::json::object& data, std::int64_t t);
  void HandleIncremental(const boost::json::object& data, std::int64_t t);
  void HandleClick(const boost::json::object& data, std::int64_t t);
  void HandleCustom(const boost::json::object& data, std::int64_t t);
  void HandleUncaught(ErrorKind kind, const boost::json::object* payload, std::int64_t t);
  void HandleConsoleError(const boost::json::object* payload, std::int64_t t);

  void MarkActivity(std::int64_t t);
  void ChangeUrl(const std::string& url, std::int64_t t);
  void UpdateDepth();
  PageData& Page();
  void Respond(std::int64_t t);
  void ExpireDeadClicks(std::int64_t t);
  void CheckRage(const Click& click, const TargetNode& target);
  void AddError(SessionError error, bool from_console_plugin = false);
  void Log(std::int64_t t, std::string line);
  void LogScroll(std::int64_t t);
  ClickIssue Issue(const Click& click, const TargetNode& target) const;

  AnalysisOptions options_;
  internal::EventStreamReader reader_;
  SessionAnalytics result_;
  internal::NodeMap nodes_;
  bool started_ = false;
  std::int64_t last_ms_ = 0;
  std::int64_t last_activity_ms_ = 0;

  std::string url_;
  std::map<std::string, std::size_t> page_index_;
  std::vector<PageData> pages_;
  std::int64_t document_id_ = -1;
  int viewport_width_ = 0;
  int viewport_height_ = 0;
  double scroll_x_ = 0;
  double scroll_y_ = 0;

  std::set<std::int64_t> input_fields_;
  std::int64_t last_input_field_ = -1;

  std::deque<Click> recent_clicks_;  // within the rage window, this page
  bool rage_open_ = false;
  Click rage_last_{};
  std::vector<std::pair<Click, TargetNode>> pending_dead_;

  // Per result_.errors entry: reported by the console plugin (else by the SDK).
  std::vector<bool> from_console_plugin_;

  std::vector<std::pair<std::int64_t, std::string>> timeline_;
  std::size_t timeline_dropped_ = 0;
};

void Analyzer::Impl::Handle(const boost::json::object& event) {
  std::int64_t timestamp = AsInt(Field(event, "timestamp"));
  if (!started_) {
    started_ = true;
    result_.start_time = timestamp;
  }
  std::int64_t t = std::max<std::int64_t>(0, timestamp - result_.start_time);
  last_ms_ = std::max(last_ms_, t);
  const EventType type = internal::AsEventType(AsInt(Field(event, "type"), -1));
  // Every page starts with DomContentLoaded, Load and Meta events. A click
  // still pending when one arrives was followed by nothing at all on its
  // page but the next page: the navigation answered it, however long the
  // next page took to load (a slow link is not a dead click).
  if (type == EventType::kDomContentLoaded || type == EventType::kLoad ||
      type == EventType::kMeta) {
    Respond(t);
  }
  ExpireDeadClicks(t);
  const auto* data = AsObject(Field(event, "data"));
  if (!data) return;
  switch (const ErrorKind error = internal::ClassifyError(event)) {
    case ErrorKind::kConsole:
      return HandleConsoleError(AsObject(Field(*data, "payload")), t);
    case ErrorKind::kUncaught:
    case ErrorKind::kUnhandledRejection:
      return HandleUncaught(error, AsObject(Field(*data, "payload")), t);
    case ErrorKind::kNone:
      break;
  }
  switch (type) {
    case EventType::kFullSnapshot:
      if (const auto* node = AsObject(Field(*data, "node"))) {
        nodes_.ResetFromSnapshot(*node);
        document_id_ = AsInt(Field(*node, "id"), -1);
      }
      if (const auto* offset = AsObject(Field(*data, "initialOffset"))) {
        scroll_x_ = AsNumber(Field(*offset, "left"));
        scroll_y_ = AsNumber(Field(*offset, "top"));
        UpdateDepth();
      }
      break;
    case EventType::kIncrementalSnapshot:
      HandleIncremental(*data, t);
      break;
    case EventType::kMeta:
      HandleMeta(*data, t);
      break;
    case EventType::kCustom:
      HandleCustom(*data, t);
      break;
    default:
      break;
  }
}

void Analyzer::Impl::HandleMeta(const boost::json::object& data, std::int64_t t) {
  ++result_.counts.page_loads;
  viewport_width_ = static_cast<int>(AsInt(Field(data, "width")));
  viewport_height_ = static_cast<int>(AsInt(Field(data, "height")));
  scroll_x_ = scroll_y_ = 0;
  std::string href(internal::MetaHref(data));
  if (href != url_) {
    ChangeUrl(href, t);
    Log(t, "load " + href);
  }
  Respond(t);
  UpdateDepth();
}

void Analyzer::Impl::HandleIncremental(const boost::json::object& data, std::int64_t t) {
  std::int64_t source = AsInt(Field(data, "source"), -1);
  switch (internal::AsSource(source)) {
    case IncrementalSource::kMutation:
      nodes_.ApplyMutation(data);
      Respond(t);
      break;
    case IncrementalSource::kMouseMove:
    case IncrementalSource::kTouchMove:
      MarkActivity(t);
      break;
    case IncrementalSource::kMouseInteraction: {
      MarkActivity(t);
      std::int64_t type = AsInt(Field(data, "type"), -1);
      if (internal::IsClick(source, type)) {
        HandleClick(data, t);
      } else if (internal::AsInteraction(type) == MouseInteraction::kDblClick) {
        ++result_.counts.double_clicks;
        Log(t, "dblclick " + nodes_.Lookup(AsInt(Field(data, "id"), -1)).Describe());
      } else if (internal::AsInteraction(type) == MouseInteraction::kTouchStart) {
        ++result_.counts.touches;
      }
      break;
    }
    case IncrementalSource::kScroll: {
      MarkActivity(t);
      ++result_.counts.scrolls;
      if (AsInt(Field(data, "id"), -1) == document_id_) {
        scroll_x_ = AsNumber(Field(data, "x"));
        scroll_y_ = AsNumber(Field(data, "y"));
        UpdateDepth();
        LogScroll(t);
      }
      Respond(t);
      break;
    }
    case IncrementalSource::kViewportResize:
      viewport_width_ = static_cast<int>(AsInt(Field(data, "width")));
      viewport_height_ = static_cast<int>(AsInt(Field(data, "height")));
      UpdateDepth();
      break;
    case IncrementalSource::kInput: {
      MarkActivity(t);
      ++result_.counts.keystrokes;
      std::int64_t field = AsInt(Field(data, "id"), -1);
      input_fields_.insert(field);
      if (field != last_input_field_) Log(t, "input " + nodes_.Lookup(field).Describe());
      last_input_field_ = field;
      Respond(t);
      break;
    }
    default:
      break;
  }
}

void Analyzer::Impl::HandleClick(const boost::json::object& data, std::int64_t t) {
  ++result_.counts.clicks;
  last_input_field_ = -1;
  TargetNode target = nodes_.Lookup(AsInt(Field(data, "id"), -1));
  Click click{t, AsNumber(Field(data, "x")) + scroll_x_, AsNumber(Field(data, "y")) + scroll_y_};
  Log(t, "click " + target.Describe());
  // Clicking a form field focuses it, which changes nothing in the DOM.
  bool form_field = target.tag == "input" || target.tag == "textarea" || target.tag == "select" ||
                    target.tag == "option";
  if (!form_field) pending_dead_.emplace_back(click, target);
  if (target.in_iframe) return;
  Page().heatmap.points.push_back({t, click.x, click.y});
  CheckRage(click, target);
}

void Analyzer::Impl::HandleCustom(const boost::json::object& data, std::int64_t t) {
  std::string_view tag = AsString(Field(data, "tag"));
  const auto* payload = AsObject(Field(data, "payload"));
  if (!payload) return;
  if (tag == internal::kNavigationTag) {
    std::string_view href = internal::NavigationHref(*payload);
    if (href.empty() || href == url_) return;
    ++result_.counts.in_app_navigations;
    ChangeUrl(std::string(href), t);
    Log(t, "navigate " + std::string(internal::UrlPath(href)));
    Respond(t);
  } else if (tag == "document-size") {
    Page().depth.document_height = static_cast<int>(AsInt(Field(*payload, "height")));
  }
}

// The SDK's report of an uncaught exception or unhandled rejection; its
// payload (message, stack, filename, lineno) may be missing.
void Analyzer::Impl::HandleUncaught(ErrorKind kind, const boost::json::object* payload,
                                    std::int64_t t) {
  SessionError error;
  error.time_ms = t;
  error.kind = std::string(internal::ErrorKindName(kind));
  if (payload) {
    error.message = std::string(AsString(Field(*payload, "message")));
    error.stack = std::string(AsString(Field(*payload, "stack")));
    std::string_view file = AsString(Field(*payload, "filename"));
    if (!file.empty()) {
      error.source = std::string(file);
      if (const auto* line = Field(*payload, "lineno")) {
        error.source += ":" + std::to_string(AsInt(line));
      }
    }
  }
  AddError(std::move(error));
}

// A console plugin record at level error or assert.
void Analyzer::Impl::HandleConsoleError(const boost::json::object* payload, std::int64_t t) {
  SessionError error;
  error.time_ms = t;
  if (const auto* arguments = payload ? AsArray(Field(*payload, "payload")) : nullptr) {
    for (const auto& argument : *arguments) {
      if (!error.message.empty()) error.message += ' ';
      error.message += ConsoleArgument(AsString(&argument));
    }
  }
  if (const auto* trace = payload ? AsArray(Field(*payload, "trace")) : nullptr) {
    for (const auto& frame : *trace) {
      if (!error.stack.empty()) error.stack += '\n';
      error.stack += AsString(&frame);
      if (error.stack.size() > options_.max_stack_chars) break;
    }
  }
  error.kind = std::string(internal::ErrorKindName(internal::ConsoleErrorKind(error.message)));
  AddError(std::move(error), /*from_console_plugin=*/true);
}

void Analyzer::Impl::MarkActivity(std::int64_t t) {
  std::int64_t gap = t - last_activity_ms_;
  if (gap > 0 && gap < options_.idle_threshold.count()) result_.active_ms += gap;
  last_activity_ms_ = std::max(last_activity_ms_, t);
}

void Analyzer::Impl::ChangeUrl(const std::string& url, std::int64_t t) {
  if (!result_.visits.empty()) {
    result_.visits.back().duration_ms = t - result_.visits.back().start_ms;
  }
  result_.visits.push_back({url, t, 0});
  ++result_.counts.navigations;
  url_ = url;
  recent_clicks_.clear();
  rage_open_ = false;
}

PageData& Analyzer::Impl::Page() {
  auto [it, inserted] = page_index_.emplace(url_, pages_.size());
  if (inserted) {
    pages_.emplace_back();
    pages_.back().heatmap.url = url_;
    pages_.back().depth.url = url_;
  }
  return pages_[it->second];
}

void Analyzer::Impl::UpdateDepth() {
  PageData& page = Page();
  page.max_viewport_width = std::max(page.max_viewport_width, viewport_width_);
  ScrollDepth& depth = page.depth;
  depth.max_scroll_y = std::max(depth.max_scroll_y, static_cast<int>(scroll_y_));
  depth.viewport_height = std::max(depth.viewport_height, viewport_height_);
  depth.max_bottom_px =
      std::max(depth.max_bottom_px, static_cast<int>(scroll_y_) + viewport_height_);
}

void Analyzer::Impl::Respond(std::int64_t t) {
  std::erase_if(pending_dead_, [t](const auto& pending) { return pending.first.time_ms <= t; });
}

void Analyzer::Impl::ExpireDeadClicks(std::int64_t t) {
  std::int64_t window = options_.dead_click_window.count();
  std::erase_if(pending_dead_, [&](const auto& pending) {
    if (t - pending.first.time_ms <= window) return false;
    result_.dead_clicks.push_back(Issue(pending.first, pending.second));
    Log(pending.first.time_ms, "dead click " + pending.second.Describe());
    return true;
  });
}

void Analyzer::Impl::CheckRage(const Click& click, const TargetNode& target) {
  std::int64_t window = options_.rage_click_window.count();
  double radius = options_.rage_click_radius_px;
  auto near = [&](const Click& a, const Click& b) {
    return click.time_ms - a.time_ms <= window && std::hypot(a.x - b.x, a.y - b.y) <= radius;
  };
  if (rage_open_ && near(rage_last_, click)) {
    ++result_.rage_clicks.back().count;
    rage_last_ = click;
    return;
  }
  rage_open_ = false;
  while (!recent_clicks_.empty() && click.time_ms - recent_clicks_.front().time_ms > window) {
    recent_clicks_.pop_front();
  }
  int count = 1;
  const Click* first = &click;
  for (const Click& previous : recent_clicks_) {
    if (!near(previous, click)) continue;
    if (count++ == 1) first = &previous;
  }
  if (count < options_.rage_click_count) {
    recent_clicks_.push_back(click);
    return;
  }
  ClickIssue issue = Issue(click, target);
  issue.time_ms = first->time_ms;
  issue.count = count;
  result_.rage_clicks.push_back(std::move(issue));
  Log(first->time_ms, "rage click x" + std::to_string(count) + " " + target.Describe());
  rage_open_ = true;
  rage_last_ = click;
  recent_clicks_.clear();
}

void Analyzer::Impl::AddError(SessionError error, bool from_console_plugin) {
  error.url = url_;
  if (error.stack.size() > options_.max_stack_chars) {
    error.stack = internal::TruncateUtf8(error.stack, options_.max_stack_chars);
  }
  // An uncaught exception or unhandled rejection is reported twice: rrweb's
  // console plugin logs it at level error ("Uncaught Error: …", "Uncaught (in
  // promise) Error: …") and the SDK records an "error" / "unhandledrejection"
  // event with the same message (a rejection's without the browser's
  // prefix), in either order. It is one error; the SDK's event is kept, as it
  // has the file and line.
  for (std::size_t i = result_.errors.size(); i-- > 0;) {
    SessionError& seen = result_.errors[i];
    if (error.time_ms - seen.time_ms > kSameErrorWindowMs) break;
    if (from_console_plugin_[i] == from_console_plugin || seen.url != error.url) continue;
    const SessionError& logged = from_console_plugin ? error : seen;
    const SessionError& reported = from_console_plugin ? seen : error;
    if (!SameReport(logged, reported)) continue;
    if (!from_console_plugin) {
      seen = std::move(error);
      from_console_plugin_[i] = false;
    }
    return;
  }
  from_console_plugin_.push_back(from_console_plugin);
  ++result_.counts.errors;
  std::string_view first_line = error.message;
  first_line = first_line.substr(0, first_line.find('\n'));
  Log(error.time_ms, "error " + internal::TruncateUtf8(first_line, kTimelineMessageChars));
  result_.errors.push_back(std::move(error));
}

void Analyzer::Impl::Log(std::int64_t t, std::string line) {
  if (timeline_.size() >= kMaxTimelineEntries) {
    ++timeline_dropped_;
    return;
  }
  timeline_.emplace_back(t, std::move(line));
}

// A run of document scrolls is one "scroll to y=N" line at its start time,
// showing where it ended.
void Analyzer::Impl::LogScroll(std::int64_t t) {
  std::string line = "scroll to y=" + std::to_string(static_cast<int>(scroll_y_));
  if (!timeline_.empty() && timeline_.back().second.starts_with("scroll to ")) {
    timeline_.back().second = std::move(line);
  } else {
    Log(t, std::move(line));
  }
}

ClickIssue Analyzer::Impl::Issue(const Click& click, const TargetNode& target) const {
  ClickIssue issue;
  issue.time_ms = click.time_ms;
  issue.x = click.x;
  issue.y = click.y;
  issue.url = url_;
  issue.target = target;
  return issue;
}

SessionAnalytics Analyzer::Impl::Finish() {
  // Clicks whose window ended before the recording did are dead; later ones
  // cannot be judged.
  ExpireDeadClicks(last_ms_);
  result_.duration_ms = last_ms_;
  std::int64_t tail = last_ms_ - last_activity_ms_;
  if (tail > 0 && tail < options_.idle_threshold.count()) result_.active_ms += tail;
  result_.idle_ms = result_.duration_ms - result_.active_ms;
  if (!result_.visits.empty()) {
    result_.visits.back().duration_ms = last_ms_ - result_.visits.back().start_ms;
  }
  result_.counts.inputs = static_cast<int>(input_fields_.size());

  for (PageData& page : pages_) {
    PageHeatmap& heatmap = page.heatmap;
    ScrollDepth& depth = page.depth;
    if (heatmap.points.empty() && depth.max_bottom_px == 0) continue;
    heatmap.width = std::max(page.max_viewport_width, 1);
    heatmap.height = std::max({depth.document_height, depth.max_bottom_px, 1});
    for (const ClickPoint& point : heatmap.points) {
      heatmap.width = std::max(heatmap.width, static_cast<int>(point.x) + 1);
      heatmap.height = std::max(heatmap.height, static_cast<int>(point.y) + 1);
    }
    constexpr int kGrid = PageHeatmap::kGrid;
    heatmap.histogram.assign(kGrid * kGrid, 0);
    for (const ClickPoint& point : heatmap.points) {
      int column = std::clamp(static_cast<int>(point.x * kGrid / heatmap.width), 0, kGrid - 1);
      int row = std::clamp(static_cast<int>(point.y * kGrid / heatmap.height), 0, kGrid - 1);
      ++heatmap.histogram[row * kGrid + column];
    }
    if (depth.document_height > 0) {
      depth.depth = std::min(1.0, static_cast<double>(depth.max_bottom_px) / depth.document_height);
    }
    if (!heatmap.points.empty()) result_.heatmaps.push_back(std::move(heatmap));
    result_.scroll_depth.push_back(std::move(depth));
  }

  std::size_t step = 0;
  for (const PageVisit& visit : result_.visits) {
    if (step < result_.funnel_steps.size() &&
        internal::FunnelPatternMatches(result_.funnel_steps[step].url_pattern, visit.url)) {
      result_.funnel_reached_ms.push_back(visit.start_ms);
      ++step;
    }
  }
  result_.funnel_completed = !result_.funnel_steps.empty() && step == result_.funnel_steps.size();

  std::stable_sort(timeline_.begin(), timeline_.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::size_t written = 0;
  for (const auto& [t, line] : timeline_) {
    std::string text = internal::FormatSessionTime(t) + " " + line + "\n";
    if (result_.timeline.size() + text.size() > Analyzer::kMaxTimelineChars - 40) break;
    result_.timeline += text;
    ++written;
  }
  std::size_t omitted = timeline_.size() - written + timeline_dropped_;
  if (omitted > 0) result_.timeline += "... " + std::to_string(omitted) + " more events\n";
  return std::move(result_);
}

Analyzer::Analyzer(const AnalysisOptions& options, std::vector<FunnelStep> funnel_steps)
    : impl_(std::make_unique<Impl>(options, std::move(funnel_steps))) {}

Analyzer::~Analyzer() = default;

Status Analyzer::Feed(std::string_view text) { return impl_->Feed(text); }

Status Analyzer::CheckComplete() const { return impl_->CheckComplete(); }

SessionAnalytics Analyzer::Finish() { return impl_->Finish(); }

Result<SessionAnalytics> AnalyzeSession(const AnalysisOptions& options,
                                        std::vector<FunnelStep> funnel_steps,
                                        const EventSource& source) {
  Analyzer analyzer(options, std::move(funnel_steps));
  std::string batch;
  while (true) {
    INCUERA_ASSIGN_OR_RETURN(bool more, source(batch));
    if (!more) break;
    INCUERA_RETURN_IF_ERROR(analyzer.Feed(batch));
  }
  INCUERA_RETURN_IF_ERROR(analyzer.CheckComplete());
  return analyzer.Finish();
}

}  // namespace incuera
