# FindSOCI — Debian ships SOCI without a CMake package configuration.
#
# Components: core (always), sqlite3, postgresql, ... Defines imported targets
# SOCI::core and SOCI::<component>, and SOCI_FOUND / SOCI_<component>_FOUND.
find_path(SOCI_INCLUDE_DIR soci/soci.h)
find_library(SOCI_core_LIBRARY NAMES soci_core)

set(_soci_components ${SOCI_FIND_COMPONENTS})
list(REMOVE_ITEM _soci_components core)

if(SOCI_INCLUDE_DIR AND SOCI_core_LIBRARY)
  set(SOCI_core_FOUND TRUE)
  if(NOT TARGET SOCI::core)
    add_library(SOCI::core UNKNOWN IMPORTED)
    set_target_properties(SOCI::core PROPERTIES
      IMPORTED_LOCATION "${SOCI_core_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${SOCI_INCLUDE_DIR}")
  endif()
endif()

foreach(_c IN LISTS _soci_components)
  find_library(SOCI_${_c}_LIBRARY NAMES soci_${_c})
  set(_extra_includes "")
  set(_extra_libs "")
  if(_c STREQUAL "postgresql")
    find_package(PostgreSQL QUIET)
    if(PostgreSQL_FOUND)
      set(_extra_includes ${PostgreSQL_INCLUDE_DIRS})
      set(_extra_libs ${PostgreSQL_LIBRARIES})
    else()
      unset(SOCI_${_c}_LIBRARY CACHE)
    endif()
  endif()
  if(SOCI_${_c}_LIBRARY AND SOCI_core_FOUND)
    set(SOCI_${_c}_FOUND TRUE)
    if(NOT TARGET SOCI::${_c})
      add_library(SOCI::${_c} UNKNOWN IMPORTED)
      set_target_properties(SOCI::${_c} PROPERTIES
        IMPORTED_LOCATION "${SOCI_${_c}_LIBRARY}"
        INTERFACE_INCLUDE_DIRECTORIES "${_extra_includes}"
        INTERFACE_LINK_LIBRARIES "SOCI::core;${_extra_libs}")
    endif()
  endif()
endforeach()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(SOCI
  REQUIRED_VARS SOCI_INCLUDE_DIR SOCI_core_LIBRARY
  HANDLE_COMPONENTS)
mark_as_advanced(SOCI_INCLUDE_DIR SOCI_core_LIBRARY)
