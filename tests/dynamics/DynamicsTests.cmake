# Whole-program tests of pathkernel dynamics (included by tests/CMakeLists.txt;
# the library tests of this folder are part of the one GoogleTest binary).
set(PK_DYNAMICS_BAD_INPUTS no_snapshots no_layers eigen_too_large unknown_eps_type unsuitable_eps_type)
foreach(case ${PK_DYNAMICS_BAD_INPUTS})
  add_test(NAME dynamics_bad_input_${case}
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/bad_input.sh $<TARGET_FILE:pathkernel> ${case})
  set_tests_properties(dynamics_bad_input_${case} PROPERTIES TIMEOUT 150 LABELS bad_input ENVIRONMENT "${PK_CLI_ENV}")
endforeach()
