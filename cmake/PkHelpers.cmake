# pk_add_test(NAME name SOURCES a.c ... [LABELS l ...] [ARGS ...] [TIMEOUT s])
# A cmocka test linked against libpishkhan, registered with ctest.
function(pk_add_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;LABELS;ARGS;LIBS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE libpishkhan-sim PkgConfig::CMOCKA ${T_LIBS})
  add_test(NAME ${T_NAME} COMMAND ${T_NAME} ${T_ARGS})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  set_tests_properties(${T_NAME} PROPERTIES TIMEOUT ${T_TIMEOUT} LABELS "${T_LABELS}"
    ENVIRONMENT "PK_SOURCE_DIR=${CMAKE_SOURCE_DIR};PK_BINARY_DIR=${CMAKE_BINARY_DIR};PK_LOCALEDIR=${CMAKE_BINARY_DIR}/locale")
endfunction()

# pk_add_script_test(NAME name COMMAND cmd ... [LABELS ...] [TIMEOUT s])
# A shell-driven test (tmux end-to-end, pcscd integration) run by ctest.
function(pk_add_script_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "COMMAND;LABELS;DEPENDS" ${ARGN})
  add_test(NAME ${T_NAME} COMMAND ${T_COMMAND})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  set_tests_properties(${T_NAME} PROPERTIES TIMEOUT ${T_TIMEOUT} LABELS "${T_LABELS}"
    ENVIRONMENT "PK_SOURCE_DIR=${CMAKE_SOURCE_DIR};PK_BINARY_DIR=${CMAKE_BINARY_DIR};PK_LOCALEDIR=${CMAKE_BINARY_DIR}/locale")
endfunction()

# pk_add_fuzzer(NAME name SOURCES ...) -- libFuzzer target, only with PK_FUZZ (clang).
function(pk_add_fuzzer)
  cmake_parse_arguments(F "" "NAME" "SOURCES" ${ARGN})
  if(NOT PK_FUZZ)
    return()
  endif()
  add_executable(${F_NAME} ${F_SOURCES})
  target_link_libraries(${F_NAME} PRIVATE libpishkhan-sim)
  target_link_options(${F_NAME} PRIVATE -fsanitize=fuzzer)
  set_property(GLOBAL APPEND PROPERTY PK_FUZZERS ${F_NAME})
endfunction()

# pk_add_bench(NAME name SOURCES ...) -- a benchmark program run by `make bench`.
function(pk_add_bench)
  cmake_parse_arguments(B "" "NAME" "SOURCES;LIBS" ${ARGN})
  add_executable(${B_NAME} ${B_SOURCES})
  target_link_libraries(${B_NAME} PRIVATE libpishkhan-sim ${B_LIBS})
  set_property(GLOBAL APPEND PROPERTY PK_BENCHES ${B_NAME})
endfunction()
