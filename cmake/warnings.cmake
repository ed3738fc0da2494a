# Project warnings as a PRIVATE build-only target: never forced on consumers of the package.
add_library(sesh_warnings INTERFACE)
target_compile_options(sesh_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow $<$<BOOL:${SESH_WERROR}>:-Werror>)
# GCC 12 reports Asio's coroutine frame allocator as a mismatched new/delete (a false positive,
# GCC bug 109224); every Asio coroutine would trip it under -Werror.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(sesh_warnings INTERFACE -Wno-mismatched-new-delete)
endif()
# A unity build #includes each source into a batch file, so GCC takes them for headers and warns
# when a class there holds a type from the source's anonymous namespace; in a source it is fine.
if(CMAKE_UNITY_BUILD AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(sesh_warnings INTERFACE -Wno-subobject-linkage)
endif()
