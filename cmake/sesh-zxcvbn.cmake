# libzxcvbn (Debian's libzxcvbn-dev, the password strength estimator) ships no pkg-config or CMake
# file: this finds it as sesh::zxcvbn, for the build and, installed next to sesh-config.cmake, for
# programs that link sesh's static libraries.
if(NOT TARGET sesh::zxcvbn)
  find_path(SESH_ZXCVBN_INCLUDE_DIR zxcvbn.h)
  find_library(SESH_ZXCVBN_LIBRARY zxcvbn)
  if(NOT SESH_ZXCVBN_INCLUDE_DIR OR NOT SESH_ZXCVBN_LIBRARY)
    message(FATAL_ERROR "libzxcvbn not found (Debian: apt-get install libzxcvbn-dev)")
  endif()
  add_library(sesh::zxcvbn UNKNOWN IMPORTED)
  set_target_properties(sesh::zxcvbn PROPERTIES
    IMPORTED_LOCATION "${SESH_ZXCVBN_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${SESH_ZXCVBN_INCLUDE_DIR}")
endif()
