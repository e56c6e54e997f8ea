#include "core/text.h"

#include <doctest/doctest.h>

namespace incuera::internal {
namespace {

TEST_CASE("base64url round-trips every length and uses the URL alphabet") {
  std::string bytes;
  for (int i = 0; i < 40; ++i) {
    auto dec = Base64UrlDecode(Base64UrlEncode(bytes));
    REQUIRE(dec.ok());
    CHECK(*dec == bytes);
    bytes += static_cast<char>(i * 37 + 250);
  }
  CHECK(Base64UrlEncode("\xfb\xff") == "-_8");
  CHECK(Base64Encode("\xfb\xff") == "+/8=");
  CHECK(Base64UrlDecode("a*b").status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("string helpers trim, split, join and escape") {
  CHECK(Trim("  a b \n") == "a b");
  CHECK(Split("a, b,,c", ',') == std::vector<std::string>{"a", "b", "c"});
  CHECK(Join({"a", "b"}, "/") == "a/b");
  CHECK(JsonEscape("a\"b\\\n\x01") == "a\\\"b\\\\\\n\\u0001");
  CHECK(HexEncode("\x01\xab") == "01ab");
  CHECK(RandomBytes(32).size() == 32);
  CHECK(RandomBytes(16) != RandomBytes(16));
}

TEST_CASE("control characters are found and dropped, other bytes kept") {
  using std::string_literals::operator""s;
  CHECK_FALSE(HasControlChars("caf\xc3\xa9 ~"));
  CHECK(HasControlChars("a\tb"));
  CHECK(HasControlChars("a\x7f"));
  CHECK(HasControlChars("a\0b"s));
  CHECK(WithoutControlChars("a\0b\r\n\x1f\x7f c\xc3\xa9"s) == "ab c\xc3\xa9");
}

TEST_CASE("a port is decimal digits within 1..65535, nothing else") {
  CHECK(ParsePort("1") == 1);
  CHECK(ParsePort("8000") == 8000);
  CHECK(ParsePort("65535") == 65535);
  for (const char* bad : {"", "0", "65536", "99999", "-1", "+80", " 80", "80 ", "8o", "abc",
                          "99999999999999999999"}) {
    CAPTURE(std::string(bad));
    CHECK_FALSE(ParsePort(bad).has_value());
  }
}

}  // namespace
}  // namespace incuera::internal
