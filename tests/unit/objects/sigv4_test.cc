// SigV4 against the published AWS Signature Version 4 test suite (credentials
// AKIDEXAMPLE, region us-east-1, service "service", 20150830T123600Z). The
// expected hashes and signatures were also recomputed independently with
// `openssl dgst -sha256 [-mac HMAC]` over the canonical requests below.
#include "objects/sigv4.h"

#include <doctest/doctest.h>

namespace incuera::internal {
namespace {

constexpr const char* kDate = "20150830T123600Z";
constexpr const char* kEmptyHash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// The credentials and scope every vector of the suite uses.
SigV4Credentials SuiteCredentials() {
  return {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1", "service"};
}

// The suite's request to example.amazonaws.com with an empty body.
SigV4Request SuiteRequest(const std::string& method,
                          std::vector<std::pair<std::string, std::string>> query = {}) {
  return {method,
          "/",
          std::move(query),
          {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", kDate}},
          kEmptyHash};
}

TEST_CASE("get-vanilla signs as the AWS test suite says") {
  SigV4Signature sig = SignV4(SuiteRequest("GET"), SuiteCredentials(), kDate);
  CHECK(sig.canonical_request ==
        "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
        "host;x-amz-date\n" +
            std::string(kEmptyHash));
  CHECK(sig.string_to_sign ==
        "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
        "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
  CHECK(sig.signature == "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  CHECK(sig.authorization ==
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
        "SignedHeaders=host;x-amz-date, "
        "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST_CASE("post-vanilla signs as the AWS test suite says") {
  SigV4Signature sig = SignV4(SuiteRequest("POST"), SuiteCredentials(), kDate);
  CHECK(sig.string_to_sign ==
        "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
        "553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87");
  CHECK(sig.signature == "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
}

TEST_CASE("get-vanilla-query-order-key sorts the query by name") {
  SigV4Signature sig = SignV4(SuiteRequest("GET", {{"Param2", "value2"}, {"Param1", "value1"}}),
                              SuiteCredentials(), kDate);
  CHECK(sig.canonical_request.find("\n/\nParam1=value1&Param2=value2\n") != std::string::npos);
  CHECK(sig.string_to_sign.substr(sig.string_to_sign.rfind('\n') + 1) ==
        "816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0");
  CHECK(sig.signature == "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
}

TEST_CASE("get-vanilla-query-order-value sorts equal names by value") {
  SigV4Signature sig = SignV4(SuiteRequest("GET", {{"Param1", "value2"}, {"Param1", "value1"}}),
                              SuiteCredentials(), kDate);
  CHECK(sig.canonical_request.find("\n/\nParam1=value1&Param1=value2\n") != std::string::npos);
  CHECK(sig.signature == "5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694");
}

TEST_CASE("Header values are trimmed and their inner spaces collapsed") {
  SigV4Request request = SuiteRequest("GET");
  request.headers.emplace_back("My-Header1", "  value1   value2  ");
  SigV4Signature sig = SignV4(request, SuiteCredentials(), kDate);
  CHECK(sig.canonical_request.find("my-header1:value1 value2\n") != std::string::npos);
  CHECK(sig.authorization.find("SignedHeaders=host;my-header1;x-amz-date,") != std::string::npos);
}

TEST_CASE("UriEncode keeps unreserved characters and optionally slashes") {
  CHECK(UriEncode("a-b_c.d~e/f g", true) == "a-b_c.d~e/f%20g");
  CHECK(UriEncode("a/b=c&d", false) == "a%2Fb%3Dc%26d");
  CHECK(UriEncode("\xe1\x88\xb4", false) == "%E1%88%B4");
  CHECK(CanonicalQuery({{"uploads", ""}}) == "uploads=");
  CHECK(Sha256Hex("") == kEmptyHash);
}

}  // namespace
}  // namespace incuera::internal
