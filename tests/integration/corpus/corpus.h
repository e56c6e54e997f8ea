// The corpus of recordings and their truths (tests/data/corpus/README.md).
#pragma once

#include <boost/json.hpp>
#include <string>
#include <vector>

namespace incuera::test {

// One recording with what its recording script did.
struct CorpusEntry {
  std::string name;         // e.g. "handbook", "compat-rrweb-1.1.3", "shop"
  std::string events_path;  // the JSON array of events (.json or .json.gz)
  boost::json::object truth;
};

// Every tests/data/corpus/*.truth.json and tests/data/corpus/legacy/*.truth.json (whose
// recordings live in tests/data/recording), sorted by name. Fails the test when there are none.
std::vector<CorpusEntry> Corpus();

// The recording's events text (gunzipped when the file is .gz).
std::string ReadEvents(const CorpusEntry& entry);

}  // namespace incuera::test
