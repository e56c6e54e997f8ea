// The part of the recorded DOM the analytics need: for each element id, its
// tag, id and class attributes and a short text, without the tree itself.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "incuera/analysis.h"

namespace incuera::internal {

class NodeMap {
 public:
  // Longest text snippet kept per element, in bytes (UTF-8 safe).
  static constexpr std::size_t kTextChars = 40;

  // Forgets every node and records the tree of a full snapshot's `node`.
  void ResetFromSnapshot(const boost::json::object& node);

  // Applies a Mutation's `adds` and `attributes` lists.
  void ApplyMutation(const boost::json::object& data);

  // Returns what is known about node `id` (only node_id set when unknown).
  TargetNode Lookup(std::int64_t id) const;

 private:
  // Records `node` and its subtree; returns the subtree's text snippet.
  std::string Walk(const boost::json::object& node, bool in_iframe, int depth);

  std::unordered_map<std::int64_t, TargetNode> nodes_;
};

}  // namespace incuera::internal
