// Files that only the account running Incuera may read: the database, stored
// objects (recordings, videos) and the secret key hold every tenant's data.
#pragma once

#include <filesystem>

#include "incuera/status.h"

namespace incuera::internal {

// Creates `dir` and its missing parents with mode 0700; directories that
// already exist are left as they are (a shared parent such as /tmp must
// keep its mode). Internal with the reason when one cannot be made.
Status CreatePrivateDirectories(const std::filesystem::path& dir);

// Takes group and other permissions off the existing file `path` (0644 ->
// 0600), for files made by code that does not ask for a mode (SQLite) or
// by an older version. A missing file is fine.
Status RestrictToOwner(const std::filesystem::path& path);

}  // namespace incuera::internal
