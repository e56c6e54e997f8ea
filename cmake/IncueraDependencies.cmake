# Finds the system packages libincuera is built on (Debian 12 names in
# cmake/deps.sh). Each optional backend turns itself off with a message when
# its package is missing, so a minimal build still works.
find_package(Threads REQUIRED)
find_package(Boost 1.81 REQUIRED COMPONENTS json url)
find_package(OpenSSL REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)
find_package(SOCI REQUIRED COMPONENTS core sqlite3 OPTIONAL_COMPONENTS postgresql)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)

if(INCUERA_WITH_POSTGRES AND NOT TARGET SOCI::postgresql)
  message(WARNING "SOCI postgresql backend not found: building without PostgreSQL")
  set(INCUERA_WITH_POSTGRES OFF)
endif()
if(INCUERA_WITH_REDIS)
  pkg_check_modules(HIREDIS IMPORTED_TARGET hiredis)
  if(NOT HIREDIS_FOUND)
    message(WARNING "hiredis not found: building without Redis")
    set(INCUERA_WITH_REDIS OFF)
  endif()
endif()
if(INCUERA_WITH_LLM OR INCUERA_WITH_S3 OR INCUERA_WITH_RENDER)
  find_package(CURL REQUIRED)
endif()
# FFmpeg is needed by the renderer (H.264/MP4, JPEG) and by analysis (the
# heatmap PNG is encoded with libavcodec's PNG encoder: no extra library).
pkg_check_modules(FFMPEG REQUIRED IMPORTED_TARGET libavcodec libavformat libavutil libswscale)
