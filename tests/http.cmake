# HTTP layer tests: router, bodies, metrics, and a real server on loopback fed raw requests.
sesh_unit_test(unit_http
  unit/http/body_test.cpp
  unit/http/router_test.cpp
)
target_link_libraries(unit_http PRIVATE sesh_http)

# seshd's own pieces that need no server: how "my devices" names a device.
if(TARGET seshd_app)
  sesh_unit_test(unit_seshd
    unit/seshd/device_name_test.cpp
  )
  target_link_libraries(unit_seshd PRIVATE seshd_app)
endif()

sesh_gtest(integration_http integration
  integration/http_server_test.cpp
)
target_link_libraries(integration_http PRIVATE sesh_http)
