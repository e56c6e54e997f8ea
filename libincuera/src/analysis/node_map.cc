#include "analysis/node_map.h"

#include "core/text.h"
#include "rrweb/event_json.h"

namespace incuera::internal {
namespace {

// rrweb-snapshot node types.
constexpr std::int64_t kDocumentNode = 0;
constexpr std::int64_t kElementNode = 2;
constexpr std::int64_t kTextNode = 3;

std::string CollapseSpace(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !out.empty();
    } else {
      if (space) out += ' ';
      space = false;
      out += c;
    }
  }
  return out;
}

}  // namespace

void NodeMap::ResetFromSnapshot(const boost::json::object& node) {
  nodes_.clear();
  Walk(node, false, 0);
}

std::string NodeMap::Walk(const boost::json::object& node, bool in_iframe, int depth) {
  std::int64_t type = AsInt(Field(node, "type"), -1);
  if (type == kTextNode) {
    if (Field(node, "isStyle")) return {};
    return CollapseSpace(AsString(Field(node, "textContent")));
  }
  // Guards the recursion; no event within the nesting limit is this deep.
  if (depth > kMaxDomDepth) return {};
  std::int64_t id = AsInt(Field(node, "id"), -1);
  std::string tag;
  if (type == kElementNode) tag = ToLower(AsString(Field(node, "tagName")));
  bool child_in_iframe = in_iframe || tag == "iframe" || (type == kDocumentNode && depth > 0);
  std::string text;
  if (const auto* children = AsArray(Field(node, "childNodes"))) {
    for (const auto& child : *children) {
      const auto* child_object = AsObject(&child);
      if (!child_object) continue;
      std::string child_text = Walk(*child_object, child_in_iframe, depth + 1);
      if (child_text.empty() || text.size() >= kTextChars) continue;
      if (!text.empty()) text += ' ';
      text += child_text;
    }
  }
  text = TruncateUtf8(text, kTextChars);
  if (tag == "script" || tag == "style" || tag == "head") text.clear();
  if (type == kElementNode && id >= 0) {
    TargetNode& entry = nodes_[id];
    entry.node_id = id;
    entry.tag = tag;
    const auto* attributes = AsObject(Field(node, "attributes"));
    if (attributes) {
      entry.element_id = std::string(AsString(Field(*attributes, "id")));
      entry.classes = CollapseSpace(AsString(Field(*attributes, "class")));
    }
    entry.text = text;
    entry.in_iframe = in_iframe;
  }
  return text;
}

void NodeMap::ApplyMutation(const boost::json::object& data) {
  if (const auto* adds = AsArray(Field(data, "adds"))) {
    for (const auto& add : *adds) {
      const auto* add_object = AsObject(&add);
      if (!add_object) continue;
      const auto* node = AsObject(Field(*add_object, "node"));
      if (!node) continue;
      auto parent = nodes_.find(AsInt(Field(*add_object, "parentId"), -1));
      bool in_iframe =
          parent != nodes_.end() && (parent->second.in_iframe || parent->second.tag == "iframe");
      Walk(*node, in_iframe, 1);
    }
  }
  if (const auto* changes = AsArray(Field(data, "attributes"))) {
    for (const auto& change : *changes) {
      const auto* change_object = AsObject(&change);
      if (!change_object) continue;
      auto it = nodes_.find(AsInt(Field(*change_object, "id"), -1));
      const auto* attributes = AsObject(Field(*change_object, "attributes"));
      if (it == nodes_.end() || !attributes) continue;
      if (const auto* id = Field(*attributes, "id")) {
        it->second.element_id = std::string(AsString(id));
      }
      if (const auto* classes = Field(*attributes, "class")) {
        it->second.classes = CollapseSpace(AsString(classes));
      }
    }
  }
}

TargetNode NodeMap::Lookup(std::int64_t id) const {
  auto it = nodes_.find(id);
  if (it != nodes_.end()) return it->second;
  TargetNode unknown;
  unknown.node_id = id;
  return unknown;
}

}  // namespace incuera::internal
