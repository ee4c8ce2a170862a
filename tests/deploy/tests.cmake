# The deployment manifests checked against the binary they run.
add_test(NAME deploy_manifests
         COMMAND node --test --test-reporter=spec ${CMAKE_SOURCE_DIR}/tests/deploy/manifests.test.mjs)
set_tests_properties(deploy_manifests PROPERTIES ENVIRONMENT "PLEB_BIN=$<TARGET_FILE:pleb>" TIMEOUT 120)
