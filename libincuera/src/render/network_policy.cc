#include "render/network_policy.h"

#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cstdint>

#include "core/text.h"

namespace incuera::internal {
namespace {

namespace ip = boost::asio::ip;

constexpr std::string_view kClassNames[] = {
    "public",    "loopback",    "private", "link-local", "shared address space (CGNAT)",
    "multicast", "unspecified", "reserved"};

// The request types a replayed page needs to look like the recorded one.
constexpr std::string_view kFetchedTypes[] = {"Image", "Stylesheet", "Font", "Media"};

struct V4Range {
  uint32_t base;
  int bits;
  AddressClass what;
};

constexpr uint32_t V4(int a, int b, int c, int d) {
  return uint32_t(a) << 24 | uint32_t(b) << 16 | uint32_t(c) << 8 | uint32_t(d);
}

// IANA's special-purpose IPv4 registry, as it matters for fetching.
constexpr V4Range kV4Ranges[] = {
    {V4(0, 0, 0, 0), 8, AddressClass::kUnspecified},
    {V4(10, 0, 0, 0), 8, AddressClass::kPrivate},
    {V4(100, 64, 0, 0), 10, AddressClass::kSharedSpace},
    {V4(127, 0, 0, 0), 8, AddressClass::kLoopback},
    {V4(169, 254, 0, 0), 16, AddressClass::kLinkLocal},
    {V4(172, 16, 0, 0), 12, AddressClass::kPrivate},
    {V4(192, 0, 0, 0), 24, AddressClass::kReserved},
    {V4(192, 0, 2, 0), 24, AddressClass::kReserved},
    {V4(192, 88, 99, 0), 24, AddressClass::kReserved},
    {V4(192, 168, 0, 0), 16, AddressClass::kPrivate},
    {V4(198, 18, 0, 0), 15, AddressClass::kReserved},
    {V4(198, 51, 100, 0), 24, AddressClass::kReserved},
    {V4(203, 0, 113, 0), 24, AddressClass::kReserved},
    {V4(224, 0, 0, 0), 4, AddressClass::kMulticast},
    {V4(240, 0, 0, 0), 4, AddressClass::kReserved},  // 255.255.255.255 too
};

AddressClass ClassifyV4(uint32_t a) {
  for (const V4Range& r : kV4Ranges) {
    const uint32_t mask = ~uint32_t(0) << (32 - r.bits);
    if ((a & mask) == r.base) return r.what;
  }
  return AddressClass::kPublic;
}

uint32_t V4At(const ip::address_v6::bytes_type& b, int offset) {
  return uint32_t(b[offset]) << 24 | uint32_t(b[offset + 1]) << 16 | uint32_t(b[offset + 2]) << 8 |
         uint32_t(b[offset + 3]);
}

// Whether the first `bits` bits of `b` equal `prefix`'s.
bool Under(const ip::address_v6::bytes_type& b, std::array<uint8_t, 4> prefix, int bits) {
  for (int i = 0; i < bits; ++i) {
    const int bit = 7 - i % 8;
    if (((b[i / 8] >> bit) & 1) != ((prefix[i / 8] >> bit) & 1)) return false;
  }
  return true;
}

AddressClass ClassifyV6(const ip::address_v6& a) {
  const ip::address_v6::bytes_type b = a.to_bytes();
  if (a.is_unspecified()) return AddressClass::kUnspecified;
  if (a.is_loopback()) return AddressClass::kLoopback;
  if (a.is_v4_mapped()) return ClassifyV4(V4At(b, 12));
  // NAT64's well-known prefix 64:ff9b::/96 reaches the embedded address.
  const bool nat64 = Under(b, {0x00, 0x64, 0xff, 0x9b}, 32) &&
                     std::all_of(b.begin() + 4, b.begin() + 12, [](uint8_t x) { return x == 0; });
  if (nat64) return ClassifyV4(V4At(b, 12));
  if (Under(b, {0x20, 0x02}, 16)) return ClassifyV4(V4At(b, 2));  // 6to4
  if (Under(b, {0xff}, 8)) return AddressClass::kMulticast;
  if (Under(b, {0xfe, 0x80}, 10)) return AddressClass::kLinkLocal;
  if (Under(b, {0xfc}, 7) || Under(b, {0xfe, 0xc0}, 10)) return AddressClass::kPrivate;
  if (Under(b, {0x00, 0x64, 0xff, 0x9b}, 32)) return AddressClass::kPrivate;  // 64:ff9b:1::/48
  // Global unicast is 2000::/3, less the IETF's (Teredo, ORCHID, ...) and
  // documentation blocks.
  if (!Under(b, {0x20}, 3) || Under(b, {0x20, 0x01, 0x00, 0x00}, 23) ||
      Under(b, {0x20, 0x01, 0x0d, 0xb8}, 32)) {
    return AddressClass::kReserved;
  }
  return AddressClass::kPublic;
}

// The host of a domain entry: "https://Shop.example:8443/x" -> "shop.example".
std::string EntryHost(std::string_view entry) {
  if (size_t scheme = entry.find("://"); scheme != std::string_view::npos) {
    entry.remove_prefix(scheme + 3);
  }
  entry = entry.substr(0, entry.find_first_of("/?#"));
  if (!entry.empty() && entry.front() == '[') {
    entry = entry.substr(1, entry.find(']') - 1);
  } else {
    entry = entry.substr(0, entry.find(':'));
  }
  if (!entry.empty() && entry.back() == '.') entry.remove_suffix(1);
  return ToLower(entry);
}

struct UrlParts {
  std::string scheme;
  std::string host;  // lower-case, no brackets, no trailing dot
};

// Scheme and host of a canonical URL ("https://user@[::1]:8/p" -> https, ::1).
UrlParts SplitUrl(std::string_view url) {
  UrlParts parts;
  const size_t colon = url.find(':');
  if (colon == std::string_view::npos) return parts;
  parts.scheme = ToLower(url.substr(0, colon));
  std::string_view rest = url.substr(colon + 1);
  if (rest.substr(0, 2) != "//") return parts;
  std::string_view authority = rest.substr(2, rest.find_first_of("/?#", 2) - 2);
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  parts.host = EntryHost(authority);
  return parts;
}

bool IsLocalhostName(std::string_view host) {
  return host == "localhost" || (host.size() > 10 && host.substr(host.size() - 10) == ".localhost");
}

}  // namespace

std::string_view AddressClassName(AddressClass c) { return kClassNames[static_cast<int>(c)]; }

AddressClass ClassifyAddress(const ip::address& address) {
  return address.is_v4() ? ClassifyV4(address.to_v4().to_uint()) : ClassifyV6(address.to_v6());
}

Result<std::vector<ip::address>> ResolveHost(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(host.c_str(), nullptr, &hints, &found); rc != 0) {
    return Unavailable("cannot resolve " + host + ": " + gai_strerror(rc));
  }
  std::vector<ip::address> addresses;
  for (const addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    if (ai->ai_family == AF_INET) {
      const auto* sin = reinterpret_cast<const sockaddr_in*>(ai->ai_addr);
      addresses.push_back(ip::address_v4(ntohl(sin->sin_addr.s_addr)));
    } else if (ai->ai_family == AF_INET6) {
      const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(ai->ai_addr);
      ip::address_v6::bytes_type bytes;
      std::copy_n(sin6->sin6_addr.s6_addr, 16, bytes.begin());
      addresses.push_back(ip::address_v6(bytes));
    }
  }
  freeaddrinfo(found);
  if (addresses.empty()) return Unavailable("cannot resolve " + host + ": no address");
  return addresses;
}

NetworkPolicy::NetworkPolicy(RenderFetch fetch, const std::vector<std::string>& domains,
                             bool allow_loopback, Resolver resolver)
    : fetch_(fetch), allow_loopback_(allow_loopback), resolver_(std::move(resolver)) {
  for (const std::string& d : domains) {
    if (std::string host = EntryHost(d); !host.empty()) domains_.push_back(std::move(host));
  }
}

NetworkPolicy::Decision NetworkPolicy::Decide(std::string_view url,
                                              std::string_view resource_type) {
  if (std::find(std::begin(kFetchedTypes), std::end(kFetchedTypes), resource_type) ==
      std::end(kFetchedTypes)) {
    return {"a replay loads no " + std::string(resource_type.empty() ? "untyped" : resource_type) +
                " requests",
            {}};
  }
  const UrlParts parts = SplitUrl(url);
  if (parts.scheme == "data" || parts.scheme == "blob") return {};
  if (parts.scheme != "http" && parts.scheme != "https") {
    return {"only http(s) is fetched, not " + (parts.scheme.empty() ? "this URL" : parts.scheme),
            {}};
  }
  if (parts.host.empty()) return {"no host", {}};
  if (fetch_ == RenderFetch::kNone) return {"the project's render_fetch is none", {}};
  if (fetch_ == RenderFetch::kDomains &&
      std::none_of(domains_.begin(), domains_.end(), [&](const std::string& d) {
        return parts.host == d ||
               (parts.host.size() > d.size() &&
                parts.host.compare(parts.host.size() - d.size(), d.size(), d) == 0 &&
                parts.host[parts.host.size() - d.size() - 1] == '.');
      })) {
    return {parts.host + " is not one of the project's domains", {}};
  }
  auto cached = hosts_.find(parts.host);
  if (cached == hosts_.end() && hosts_.size() >= kMaxHostsPerRender) {
    return {"more than " + std::to_string(kMaxHostsPerRender) + " hosts in one recording", {}};
  }
  if (cached == hosts_.end()) cached = hosts_.emplace(parts.host, CheckHost(parts.host)).first;
  return cached->second;
}

NetworkPolicy::Decision NetworkPolicy::CheckHost(const std::string& host) {
  // Chromium answers these names itself with loopback, without asking DNS;
  // a fetch of ours connects to loopback too.
  if (IsLocalhostName(host)) {
    if (!allow_loopback_) return {host + " is a loopback name", {}};
    return {"", {ip::address_v4::loopback(), ip::address_v6::loopback()}};
  }
  Result<std::vector<ip::address>> addresses = resolver_(host);
  if (!addresses.ok()) return {addresses.status().message(), {}};
  // Every address must pass: a fetch may connect to any of them.
  for (const ip::address& a : *addresses) {
    const AddressClass c = ClassifyAddress(a);
    if (c == AddressClass::kPublic || (c == AddressClass::kLoopback && allow_loopback_)) continue;
    return {host + " resolves to " + a.to_string() + ", a " + std::string(AddressClassName(c)) +
                " address",
            {}};
  }
  return {"", std::move(*addresses)};
}

}  // namespace incuera::internal
