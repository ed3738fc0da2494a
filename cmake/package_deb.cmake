# `make deb`: one Debian package, sesh, with seshd, the sesh CLI, seshd's systemd unit, libsesh's
# static libraries, headers and CMake package files (find_package(sesh) works once it is
# installed). The Depends line is computed from the binaries (dpkg-shlibdeps) plus the -dev
# packages find_package(sesh) looks for.
install(FILES ${PROJECT_SOURCE_DIR}/packaging/seshd.service DESTINATION lib/systemd/system)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/docs/SECURITY.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME sesh)
set(CPACK_PACKAGE_VENDOR sesh)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "sign-in and sessions for C++ web services, cookie-compatible with next-auth and iron-session")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "sesh maintainers <sesh@localhost>")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# seshd and sesh without their debug info (the static libraries keep theirs: stripping an archive
# would strip the symbols a consumer links against).
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libssl-dev, libboost1.81-dev, libboost-json1.81-dev, libboost-url1.81-dev, libexpected-dev, libsqlite3-dev, libhiredis-dev, libpq-dev, libspdlog-dev, libsodium-dev, libzxcvbn-dev")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "redis-server, postgresql, nginx")
include(CPack)
