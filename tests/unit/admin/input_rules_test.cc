#include "admin/input_rules.h"

#include <doctest/doctest.h>

#include "incuera/admin.h"

namespace incuera {
namespace {

TEST_CASE("slugs are derived from names and validated") {
  CHECK(*SlugFromName("Web Shop!") == "web-shop");
  CHECK(*SlugFromName("  --Ünïcode  Store 2 ") == "n-code-store-2");
  CHECK(SlugFromName("***").status().code() == StatusCode::kInvalidArgument);
  CHECK(SlugFromName(std::string(100, 'a'))->size() == 64);
  CHECK(IsValidSlug("shop-2"));
  CHECK_FALSE(IsValidSlug("Shop"));
  CHECK_FALSE(IsValidSlug(""));
  CHECK_FALSE(IsValidSlug("a_b"));
}

TEST_CASE("a slug shaped like an id is refused, typed or derived from a name") {
  const std::string id = "6f1c2a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6";
  CHECK_FALSE(IsValidSlug(id));
  CHECK(IsValidSlug(id + "-x"));
  CHECK(SlugFromName(id).status().code() == StatusCode::kInvalidArgument);
  CHECK(SlugFromName("6F1C2A4E-1B2C-4D3E-8F90-A1B2C3D4E5F6").status().code() ==
        StatusCode::kInvalidArgument);
  Project project;
  ProjectChanges changes;
  changes.slug = id;
  Status s = internal::ApplyProjectChanges(changes, project);
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK(s.message().find("shaped like an id") != std::string::npos);
  CHECK(project.slug.empty());
}

}  // namespace
}  // namespace incuera
