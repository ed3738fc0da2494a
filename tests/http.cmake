# HTTP layer tests: router, bodies, metrics, and a real server on loopback fed raw requests.
sesh_unit_test(unit_http
  unit/http/body_test.cpp
  unit/http/router_test.cpp
  unit/http/forwarded_for_test.cpp
)
target_link_libraries(unit_http PRIVATE sesh_http)

sesh_gtest(integration_http integration
  integration/http_server_test.cpp
)
target_link_libraries(integration_http PRIVATE sesh_http)
