#include "render/network_policy.h"

#include <doctest/doctest.h>

#include <map>

namespace incuera::internal {
namespace {

namespace ip = boost::asio::ip;

AddressClass Class(const char* text) { return ClassifyAddress(ip::make_address(text)); }

TEST_CASE("IPv4 addresses are classified by IANA's special-purpose ranges") {
  CHECK(Class("93.184.216.34") == AddressClass::kPublic);
  CHECK(Class("8.8.8.8") == AddressClass::kPublic);
  CHECK(Class("127.0.0.1") == AddressClass::kLoopback);
  CHECK(Class("127.255.255.254") == AddressClass::kLoopback);
  CHECK(Class("10.1.2.3") == AddressClass::kPrivate);
  CHECK(Class("172.16.0.1") == AddressClass::kPrivate);
  CHECK(Class("172.31.255.255") == AddressClass::kPrivate);
  CHECK(Class("172.32.0.1") == AddressClass::kPublic);
  CHECK(Class("192.168.1.1") == AddressClass::kPrivate);
  CHECK(Class("169.254.169.254") == AddressClass::kLinkLocal);  // cloud metadata
  CHECK(Class("100.64.0.1") == AddressClass::kSharedSpace);
  CHECK(Class("100.100.100.200") == AddressClass::kSharedSpace);  // Alibaba metadata
  CHECK(Class("100.128.0.1") == AddressClass::kPublic);
  CHECK(Class("0.0.0.0") == AddressClass::kUnspecified);
  CHECK(Class("0.1.2.3") == AddressClass::kUnspecified);
  CHECK(Class("224.0.0.1") == AddressClass::kMulticast);
  CHECK(Class("239.255.255.250") == AddressClass::kMulticast);
  CHECK(Class("255.255.255.255") == AddressClass::kReserved);
  CHECK(Class("240.0.0.1") == AddressClass::kReserved);
  CHECK(Class("192.0.2.1") == AddressClass::kReserved);
  CHECK(Class("198.18.0.1") == AddressClass::kReserved);
  CHECK(Class("192.0.0.192") == AddressClass::kReserved);
}

TEST_CASE("IPv6 addresses are public only in global unicast, embedded IPv4 judged as IPv4") {
  CHECK(Class("2606:4700::1111") == AddressClass::kPublic);
  CHECK(Class("2001:4860:4860::8888") == AddressClass::kPublic);
  CHECK(Class("::1") == AddressClass::kLoopback);
  CHECK(Class("::") == AddressClass::kUnspecified);
  CHECK(Class("::ffff:127.0.0.1") == AddressClass::kLoopback);
  CHECK(Class("::ffff:169.254.169.254") == AddressClass::kLinkLocal);
  CHECK(Class("::ffff:8.8.8.8") == AddressClass::kPublic);
  CHECK(Class("64:ff9b::7f00:1") == AddressClass::kLoopback);  // NAT64 of 127.0.0.1
  CHECK(Class("64:ff9b::808:808") == AddressClass::kPublic);
  CHECK(Class("64:ff9b:1::1") == AddressClass::kPrivate);
  CHECK(Class("2002:7f00:1::1") == AddressClass::kLoopback);  // 6to4 of 127.0.0.1
  CHECK(Class("2002:0a00:1::1") == AddressClass::kPrivate);
  CHECK(Class("fe80::1") == AddressClass::kLinkLocal);
  CHECK(Class("fd00:ec2::254") == AddressClass::kPrivate);  // AWS metadata over IPv6
  CHECK(Class("fec0::1") == AddressClass::kPrivate);
  CHECK(Class("ff02::1") == AddressClass::kMulticast);
  CHECK(Class("2001:db8::1") == AddressClass::kReserved);
  CHECK(Class("2001::1") == AddressClass::kReserved);  // Teredo
  CHECK(Class("100::1") == AddressClass::kReserved);
  CHECK(Class("::127.0.0.1") == AddressClass::kReserved);  // v4-compatible, deprecated
}

// A resolver answering from a table; unknown names do not resolve.
Resolver Table(std::map<std::string, std::vector<std::string>> table, int* lookups = nullptr) {
  return [table = std::move(table),
          lookups](const std::string& host) -> Result<std::vector<ip::address>> {
    if (lookups) ++*lookups;
    auto it = table.find(host);
    if (it == table.end()) return Unavailable("cannot resolve " + host);
    std::vector<ip::address> out;
    for (const std::string& a : it->second) out.push_back(ip::make_address(a));
    return out;
  };
}

const std::map<std::string, std::vector<std::string>> kDns = {
    {"cdn.example", {"93.184.216.34", "2606:4700::1111"}},
    {"img.shop.example", {"93.184.216.35"}},
    {"shop.example", {"93.184.216.36"}},
    {"rebind.example", {"93.184.216.34", "127.0.0.1"}},
    {"metadata.example", {"169.254.169.254"}},
    {"internal.example", {"10.0.0.5"}},
    {"93.184.216.34", {"93.184.216.34"}},
    {"127.0.0.1", {"127.0.0.1"}},
    {"::1", {"::1"}},
    {"0.0.0.0", {"0.0.0.0"}},
};

TEST_CASE("public hosts load images, stylesheets, fonts and media over http(s), nothing else") {
  NetworkPolicy policy(RenderFetch::kPublic, {}, false, Table(kDns));
  for (const char* type : {"Image", "Stylesheet", "Font", "Media"}) {
    CHECK(policy.Refusal("https://cdn.example/a", type) == "");
  }
  CHECK(policy.Refusal("http://93.184.216.34:8080/a.png", "Image") == "");
  CHECK(policy.Refusal("data:image/png;base64,AAAA", "Image") == "");
  CHECK(policy.Refusal("blob:null/1234", "Media") == "");
  for (const char* type : {"Document", "Script", "XHR", "Fetch", "Other", "Ping", "Prefetch",
                           "WebSocket", "EventSource", "Manifest", ""}) {
    CAPTURE(type);
    CHECK(policy.Refusal("https://cdn.example/a", type) != "");
  }
  CHECK(policy.Refusal("data:text/html,<p>x", "Document") != "");
  CHECK(policy.Refusal("ftp://cdn.example/a.png", "Image") != "");
  CHECK(policy.Refusal("file:///etc/passwd", "Image") != "");
  CHECK(policy.Refusal("chrome://version", "Image") != "");
}

TEST_CASE("names and addresses that lead to the machine or its networks are refused") {
  NetworkPolicy policy(RenderFetch::kPublic, {}, false, Table(kDns));
  CHECK(policy.Refusal("http://127.0.0.1:8080/x.png", "Image").find("loopback") !=
        std::string::npos);
  CHECK(policy.Refusal("http://[::1]/x.png", "Image") != "");
  CHECK(policy.Refusal("http://0.0.0.0:80/x.png", "Image").find("unspecified") !=
        std::string::npos);
  CHECK(policy.Refusal("http://localhost:8080/x.png", "Image") != "");
  CHECK(policy.Refusal("http://a.b.LOCALHOST./x.png", "Image") != "");
  CHECK(policy.Refusal("http://metadata.example/latest", "Image").find("link-local") !=
        std::string::npos);
  CHECK(policy.Refusal("http://internal.example/x.png", "Stylesheet").find("private") !=
        std::string::npos);
  // One bad address among good ones is enough: the browser may pick it.
  CHECK(policy.Refusal("https://rebind.example/x.png", "Image").find("127.0.0.1") !=
        std::string::npos);
  CHECK(policy.Refusal("https://nowhere.example/x.png", "Image").find("cannot resolve") !=
        std::string::npos);
  // Userinfo does not hide the host.
  CHECK(policy.Refusal("http://cdn.example@127.0.0.1/x.png", "Image") != "");
}

TEST_CASE("allow_loopback admits loopback, never private or link-local") {
  NetworkPolicy policy(RenderFetch::kPublic, {}, true, Table(kDns));
  CHECK(policy.Refusal("http://127.0.0.1:8080/x.png", "Image") == "");
  CHECK(policy.Refusal("http://localhost:8080/x.png", "Image") == "");
  CHECK(policy.Refusal("http://[::1]:8080/x.png", "Image") == "");
  CHECK(policy.Refusal("http://internal.example/x.png", "Image") != "");
  CHECK(policy.Refusal("http://metadata.example/x.png", "Image") != "");
  CHECK(policy.Refusal("http://0.0.0.0/x.png", "Image") != "");
  CHECK(policy.Refusal("http://127.0.0.1/frame", "Document") != "");
}

TEST_CASE("render_fetch domains admits the project's hosts and subdomains; none admits nothing") {
  NetworkPolicy domains(RenderFetch::kDomains, {"https://Shop.example:8443", "other.example"},
                        false, Table(kDns));
  CHECK(domains.Refusal("https://shop.example/a.css", "Stylesheet") == "");
  CHECK(domains.Refusal("https://img.shop.example/a.png", "Image") == "");
  CHECK(domains.Refusal("https://cdn.example/a.png", "Image").find("project's domains") !=
        std::string::npos);
  CHECK(domains.Refusal("https://evilshop.example/a.png", "Image") != "");
  CHECK(domains.Refusal("data:image/gif;base64,R0lG", "Image") == "");

  NetworkPolicy none(RenderFetch::kNone, {}, true, Table(kDns));
  CHECK(none.Refusal("https://cdn.example/a.png", "Image") != "");
  CHECK(none.Refusal("data:image/gif;base64,R0lG", "Image") == "");
}

TEST_CASE("each host is resolved once per render") {
  int lookups = 0;
  NetworkPolicy policy(RenderFetch::kPublic, {}, false, Table(kDns, &lookups));
  CHECK(policy.Refusal("https://cdn.example/a.png", "Image") == "");
  CHECK(policy.Refusal("https://cdn.example/b.css", "Stylesheet") == "");
  CHECK(policy.Refusal("http://metadata.example/x", "Image") != "");
  CHECK(policy.Refusal("http://metadata.example/y", "Image") != "");
  CHECK(lookups == 2);
}

TEST_CASE("a recording naming more hosts than a render looks up gets the rest refused") {
  int lookups = 0;
  NetworkPolicy policy(RenderFetch::kPublic, {}, false, Table(kDns, &lookups));
  CHECK(policy.Refusal("https://cdn.example/a.png", "Image") == "");
  for (size_t i = 1; i < NetworkPolicy::kMaxHostsPerRender; ++i) {
    CHECK(policy.Refusal("https://h" + std::to_string(i) + ".example/", "Image") != "");
  }
  CHECK(policy.Refusal("https://one-too-many.example/a.png", "Image").find("more than") !=
        std::string::npos);
  CHECK(lookups == static_cast<int>(NetworkPolicy::kMaxHostsPerRender));
  CHECK(policy.Refusal("https://cdn.example/b.png", "Image") == "");  // known hosts still load
}

TEST_CASE("the system resolver answers IP literals and localhost") {
  Result<std::vector<ip::address>> v4 = ResolveHost("127.0.0.1");
  REQUIRE(v4.ok());
  CHECK(ClassifyAddress(v4->front()) == AddressClass::kLoopback);
  CHECK(!ResolveHost("name.invalid").ok());
}

}  // namespace
}  // namespace incuera::internal
