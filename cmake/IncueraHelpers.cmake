# Helpers shared by every CMakeLists.txt of the project.

# Warnings for our own code only (third-party headers are system includes).
function(incuera_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
  # GCC 12 at -O3 (Release) reports `"literal" + std::string` as overlapping
  # memcpy (-Wrestrict, GCC bug 105329): a false positive in libstdc++ itself.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
endfunction()

# incuera_area(<name> SOURCES ... [DEPS area...] [LIBS target...])
# One folder of libincuera/src = one static library `incuera_<name>`. DEPS
# names the other areas it may use; that list is the architecture: an area
# that is not listed cannot be linked, so the folder tells the reader what the
# code may touch.
function(incuera_area name)
  cmake_parse_arguments(A "" "" "SOURCES;DEPS;LIBS;PUBLIC_LIBS" ${ARGN})
  add_library(incuera_${name} STATIC ${A_SOURCES})
  add_library(incuera::${name} ALIAS incuera_${name})
  target_include_directories(incuera_${name}
    PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/libincuera/include>
           $<INSTALL_INTERFACE:include>
    PRIVATE ${PROJECT_SOURCE_DIR}/libincuera/src)
  foreach(dep IN LISTS A_DEPS)
    target_link_libraries(incuera_${name} PUBLIC incuera_${dep})
  endforeach()
  target_link_libraries(incuera_${name} PRIVATE ${A_LIBS} PUBLIC ${A_PUBLIC_LIBS})
  incuera_warnings(incuera_${name})
  set_property(GLOBAL APPEND PROPERTY INCUERA_AREAS incuera_${name})
endfunction()

# incuera_embed(<target> <namespace-symbol> <files...>)
# Generates a .cc that holds each file as a byte array and a lookup function
#   std::string_view <symbol>(std::string_view name)   // "" when absent
#   std::vector<std::string_view> <symbol>Names()
# and adds it to <target>. Names are paths relative to BASE_DIR.
function(incuera_embed target symbol)
  cmake_parse_arguments(E "" "BASE_DIR" "FILES" ${ARGN})
  set(out "${CMAKE_CURRENT_BINARY_DIR}/embedded_${symbol}.cc")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DSYMBOL=${symbol} -DBASE_DIR=${E_BASE_DIR}
            "-DFILES=${E_FILES}" -P ${PROJECT_SOURCE_DIR}/cmake/EmbedFiles.cmake
    DEPENDS ${E_FILES} ${PROJECT_SOURCE_DIR}/cmake/EmbedFiles.cmake
    COMMENT "Embedding ${symbol}" VERBATIM)
  target_sources(${target} PRIVATE "${out}")
endfunction()
