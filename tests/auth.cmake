# Auth layer tests: password hashing, user stores (memory, real SQLite, real Redis), throttling.
sesh_unit_test(unit_auth
  unit/auth/password_test.cpp
  unit/auth/users_test.cpp
  unit/auth/login_throttle_test.cpp
  unit/auth/rate_limiter_test.cpp
  unit/auth/user_store_conformance.cpp
  unit/auth/memory_user_store_test.cpp
  unit/auth/throttle_conformance.cpp
  unit/auth/memory_throttle_test.cpp
)
target_link_libraries(unit_auth PRIVATE sesh_auth)

sesh_gtest(integration_auth integration
  unit/auth/user_store_conformance.cpp
  integration/user_store_test.cpp
  unit/auth/throttle_conformance.cpp
  integration/throttle_store_test.cpp
  integration/free_port.cpp
  integration/redis_server.cpp
)
target_link_libraries(integration_auth PRIVATE sesh_auth sesh_http SQLite::SQLite3)
