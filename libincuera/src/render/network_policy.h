// What the replayed page may load over the network. A recording is written by
// whoever holds an ingest key, so every URL in it is hostile: the renderer
// must never become a way to reach the worker's own machine or network
// (loopback services, cloud metadata, the private LAN).
#pragma once

#include <boost/asio/ip/address.hpp>
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "incuera/model.h"
#include "incuera/status.h"

namespace incuera::internal {

// Where an IP address leads, as far as fetching from it is concerned.
enum class AddressClass {
  kPublic,       // global unicast
  kLoopback,     // 127.0.0.0/8, ::1
  kPrivate,      // 10/8, 172.16/12, 192.168/16, fc00::/7, fec0::/10, 64:ff9b:1::/48
  kLinkLocal,    // 169.254/16 (cloud metadata), fe80::/10
  kSharedSpace,  // 100.64/10 (carrier-grade NAT; Alibaba's metadata)
  kMulticast,    // 224/4, ff00::/8
  kUnspecified,  // 0.0.0.0/8, :: (Linux connects them to the local host)
  kReserved,     // documentation, benchmarking, IETF, Teredo, 240/4, broadcast,
                 // and any IPv6 outside 2000::/3
};
std::string_view AddressClassName(AddressClass c);  // "public", "loopback", ...

// Classifies `address`. An IPv6 address that embeds an IPv4 one
// (v4-mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16) is what
// its IPv4 address is. Pure; thread-safe.
AddressClass ClassifyAddress(const boost::asio::ip::address& address);

// Every address `host` (a name or an IP literal, without brackets) resolves
// to, from the system resolver. Unavailable when it does not resolve.
using Resolver =
    std::function<Result<std::vector<boost::asio::ip::address>>(const std::string& host)>;
Result<std::vector<boost::asio::ip::address>> ResolveHost(const std::string& host);

// Decides each request of one render. Only http(s) images, stylesheets,
// fonts and media are fetched, from hosts whose every address is public
// (or loopback, when allowed), narrowed to `domains` under
// RenderFetch::kDomains; data: and blob: URLs (no network) pass for those
// types too. At most kMaxHostsPerRender hosts are looked up. Everything else is refused: documents
// (iframes, <object>, <embed>, navigations), scripts, XHR, pings, other schemes. A host is resolved
// once per policy. Not thread-safe.
class NetworkPolicy {
 public:
  // Hosts resolved at most per render: each lookup blocks the render while
  // it waits, so a recording naming thousands of slow names would stall it.
  static constexpr size_t kMaxHostsPerRender = 64;

  // `domains` are Project::domains entries: hosts ("shop.example") or
  // origins ("https://shop.example:8443"); a host also admits its
  // subdomains.
  NetworkPolicy(RenderFetch fetch, const std::vector<std::string>& domains, bool allow_loopback,
                Resolver resolver = ResolveHost);

  // Whether the page may load one URL, and from where.
  struct Decision {
    std::string refusal;  // empty when allowed: the reason it is not
    // Allowed http(s): the host's addresses as checked. A fetch connects to
    // one of these and nothing else: resolving the name again could answer
    // otherwise (DNS rebinding). Empty for data: and blob: (no network).
    std::vector<boost::asio::ip::address> addresses;
  };

  // Decides `url` (a canonical URL, as Chromium reports it) loaded as a CDP
  // Network.ResourceType `resource_type`.
  Decision Decide(std::string_view url, std::string_view resource_type);
  // Decide's refusal alone.
  std::string Refusal(std::string_view url, std::string_view resource_type) {
    return Decide(url, resource_type).refusal;
  }

 private:
  Decision CheckHost(const std::string& host);

  RenderFetch fetch_;
  std::vector<std::string> domains_;  // lower-case hosts
  bool allow_loopback_;
  Resolver resolver_;
  std::map<std::string, Decision> hosts_;  // host -> CheckHost(host)
};

}  // namespace incuera::internal
