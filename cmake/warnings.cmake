# Project warnings as a PRIVATE build-only target: never forced on consumers of the package.
add_library(sesh_warnings INTERFACE)
target_compile_options(sesh_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow $<$<BOOL:${SESH_WERROR}>:-Werror>)
