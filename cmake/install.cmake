# Installs the libraries, headers and a package config so `find_package(sesh)` works.
include(CMakePackageConfigHelpers)

install(TARGETS sesh_core sesh_codec sesh_store sesh_session sesh_auth sesh_oidc sesh_http EXPORT sesh-targets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY include/sesh DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
if(SESH_BUILD_APPS)
  install(TARGETS sesh seshd RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

set(sesh_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/sesh)
install(EXPORT sesh-targets NAMESPACE sesh:: DESTINATION ${sesh_cmake_dir})
configure_package_config_file(cmake/sesh-config.cmake.in ${PROJECT_BINARY_DIR}/sesh-config.cmake
                              INSTALL_DESTINATION ${sesh_cmake_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/sesh-config-version.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/sesh-config.cmake ${PROJECT_BINARY_DIR}/sesh-config-version.cmake
              ${PROJECT_SOURCE_DIR}/cmake/sesh-zxcvbn.cmake
        DESTINATION ${sesh_cmake_dir})

include(${PROJECT_SOURCE_DIR}/cmake/package_deb.cmake)
