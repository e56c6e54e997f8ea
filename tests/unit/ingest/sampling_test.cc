#include "ingest/sampling.h"

#include <doctest/doctest.h>

#include <string>

#include "incuera/ingest.h"

namespace incuera {
namespace {

constexpr const char* kProject = "0b6f3a52-6d1e-4c3a-9f55-2f1d8c1e7a10";

std::string Id(int i) { return "session_1700000000000_" + std::to_string(i * 7919); }

// Visits of 10 000 ids in the sample at `rate`.
int Sampled(double rate, const std::string& project = kProject) {
  int n = 0;
  for (int i = 0; i < 10'000; ++i) n += internal::InSample(project, Id(i), rate) ? 1 : 0;
  return n;
}

TEST_CASE("the sample point is the same for the same visit and differs between visits") {
  double a = internal::SamplePoint(kProject, "session_1_abc");
  CHECK(a == internal::SamplePoint(kProject, "session_1_abc"));
  CHECK(a >= 0.0);
  CHECK(a < 1.0);
  CHECK(a != internal::SamplePoint(kProject, "session_1_abd"));
  // The same visitor id in another project falls elsewhere.
  CHECK(a != internal::SamplePoint("6f1c2b7e-0d4a-4e8b-8a3c-1b2c3d4e5f60", "session_1_abc"));
}

TEST_CASE("rate 1 records every visit, rate 0 none, and 0.5 about half of 10 000") {
  CHECK(Sampled(1.0) == 10'000);
  CHECK(Sampled(0.0) == 0);
  // Binomial(10 000, 0.5): the standard deviation is 50, so ±300 is six of them.
  int half = Sampled(0.5);
  CHECK(half > 4'700);
  CHECK(half < 5'300);
  int tenth = Sampled(0.1);
  CHECK(tenth > 800);
  CHECK(tenth < 1'200);
  // Out-of-range rates are clamped, never an error.
  CHECK(Sampled(1.5) == 10'000);
  CHECK(Sampled(-0.5) == 0);
}

TEST_CASE("a visit in the sample at one rate stays in it at every higher rate") {
  for (int i = 0; i < 1'000; ++i) {
    if (internal::InSample(kProject, Id(i), 0.2)) {
      CHECK(internal::InSample(kProject, Id(i), 0.5));
    }
  }
}

TEST_CASE("the head of a batch is read without reading its events") {
  Result<BatchHead> head = PeekIngestBody(R"({"sessionId":"s_1","events":[{"type":2}]})", false);
  REQUIRE(head.ok());
  CHECK(head->session_id == "s_1");
  CHECK(head->api_key.empty());

  // Stops after the session id: what follows is not looked at.
  head = PeekIngestBody(R"({"sessionId":"s_1","events":[not json at all)", false);
  REQUIRE(head.ok());
  CHECK(head->session_id == "s_1");

  // A beacon's key comes last; it is read when asked for.
  head =
      PeekIngestBody(R"({"sessionId":"s_2","events":[{"a":{"apiKey":"no"}}],"apiKey":"k1"})", true);
  REQUIRE(head.ok());
  CHECK(head->session_id == "s_2");
  CHECK(head->api_key == "k1");
  head = PeekIngestBody(R"({"apiKey":"k2","sessionId":"s_3"})", true);
  REQUIRE(head.ok());
  CHECK(head->api_key == "k2");
}

TEST_CASE("a batch head that is not valid is refused as the full parser refuses it") {
  CHECK(PeekIngestBody("[]", false).status().message() == "body must be a JSON object");
  CHECK(PeekIngestBody(R"({"events":[]})", false).status().message() == "sessionId is missing");
  CHECK(PeekIngestBody(R"({"sessionId":7})", false).status().message() ==
        "sessionId must be a string");
  CHECK(PeekIngestBody(R"({"sessionId":"a b"})", false).status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(PeekIngestBody(R"({"sess)", false).status().code() == StatusCode::kInvalidArgument);
  CHECK(PeekIngestBody(std::string(200, 'x'), false).status().code() ==
        StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace incuera
