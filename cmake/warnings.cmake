# Project warnings as a PRIVATE build-only target: never forced on consumers of the package.
add_library(sesh_warnings INTERFACE)
target_compile_options(sesh_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow $<$<BOOL:${SESH_WERROR}>:-Werror>)
# GCC 12 reports Asio's coroutine frame allocator as a mismatched new/delete (a false positive,
# GCC bug 109224); every Asio coroutine would trip it under -Werror.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(sesh_warnings INTERFACE -Wno-mismatched-new-delete)
endif()
