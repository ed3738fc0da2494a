# seshd tests: the real binary on a free loopback port, driven over HTTP by node (tests/seshd,
# tests/faults) and by Debian's Chromium through playwright-core (tests/e2e). The npm packages come from
# tests/node_modules (scripts/install-deps.sh). Under a sanitizer build seshd_api runs against the
# sanitized seshd and sesh (the browser and fault tests, which measure time, run only in the plain
# build).
# seshd's own pieces without a server: forward auth's access rules, the redirect policy, how
# "my devices" names a device, and the providers' configuration file.
sesh_unit_test(unit_seshd
  unit/seshd/gateway_rules_test.cpp
  unit/seshd/redirect_policy_test.cpp
  unit/seshd/device_name_test.cpp
  unit/seshd/provider_file_test.cpp
)
target_link_libraries(unit_seshd PRIVATE seshd_app)
if(NOT SESH_BUILD_APPS)
  return()
endif()
find_program(NODE node REQUIRED)
set(seshd_test_env
  "SESH_SESHD=$<TARGET_FILE:seshd>;SESH_CLI=$<TARGET_FILE:sesh>;SESH_ARTIFACTS=${CMAKE_CURRENT_BINARY_DIR}/artifacts")
add_test(NAME seshd_api COMMAND ${NODE} --test ${CMAKE_CURRENT_SOURCE_DIR}/seshd/)
set_tests_properties(seshd_api PROPERTIES LABELS seshd TIMEOUT 900 ENVIRONMENT "${seshd_test_env}")
# seshd's database strategy against @auth/pg-adapter and next-auth's own session route, on a real
# PostgreSQL 15 the test starts (tests/support/postgres.mjs: as the `postgres` user under root),
# and against a real Next.js 14 + next-auth app on the same database (tests/authjs/next_app, run
# with `next dev` from a temporary copy: about 40 s, 13 s of it next dev's first compiles).
add_test(NAME authjs_pg COMMAND ${NODE} --test ${CMAKE_CURRENT_SOURCE_DIR}/authjs/)
set_tests_properties(authjs_pg PROPERTIES LABELS "seshd;postgres" TIMEOUT 300 ENVIRONMENT "${seshd_test_env}")
# Provider sign-in against a real OpenID Provider (npm oidc-provider on a free loopback port).
add_test(NAME seshd_oidc COMMAND ${NODE} --test ${CMAKE_CURRENT_SOURCE_DIR}/oidc/)
set_tests_properties(seshd_oidc PROPERTIES LABELS seshd TIMEOUT 300 ENVIRONMENT "${seshd_test_env}")
if(NOT SESH_SANITIZE)
  add_test(NAME e2e COMMAND ${NODE} --test --test-concurrency=1 ${CMAKE_CURRENT_SOURCE_DIR}/e2e/)
  set_tests_properties(e2e PROPERTIES LABELS e2e TIMEOUT 900 ENVIRONMENT "${seshd_test_env}")
  # Faults with real processes (kill -9, Redis down, unwritable SQLite, slow clients, 10k
  # connections): timing-sensitive, so alone on the machine.
  add_test(NAME faults COMMAND ${NODE} --test --test-concurrency=1 ${CMAKE_CURRENT_SOURCE_DIR}/faults/)
  set_tests_properties(faults PROPERTIES LABELS faults TIMEOUT 900 RUN_SERIAL TRUE ENVIRONMENT "${seshd_test_env}")
  # Three seshd nodes behind nginx on a Redis primary, replica and three sentinels
  # (tests/support/cluster.mjs): a node and the primary killed under load, logout across nodes.
  # Timing-sensitive like the faults, so alone on the machine.
  add_test(NAME cluster COMMAND ${NODE} --test --test-concurrency=1 ${CMAKE_CURRENT_SOURCE_DIR}/cluster/)
  set_tests_properties(cluster PROPERTIES LABELS "faults;cluster" TIMEOUT 300 RUN_SERIAL TRUE ENVIRONMENT "${seshd_test_env}")
endif()
