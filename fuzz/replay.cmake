# The fuzz targets without libFuzzer (fuzz/replay_main.cc): built by the
# sanitizer build (make test-asan, -DWF_FUZZ_REPLAY=ON), each a ctest that
# replays its seed corpus once under AddressSanitizer and UBSan.
# string_fuzzer needs clang's FuzzedDataProvider: replayed when the build is
# clang's (make test-asan's is), else left to make fuzz.
function(wf_add_fuzz_replay name)
  cmake_parse_arguments(F "" "" "SOURCES;LIBS;SEEDS" ${ARGN})
  add_executable(${name}_replay ${F_SOURCES}
    ${PROJECT_SOURCE_DIR}/fuzz/replay_main.cc)
  target_link_libraries(${name}_replay PRIVATE ${F_LIBS})
  target_include_directories(${name}_replay PRIVATE ${PROJECT_SOURCE_DIR}
    ${PROJECT_SOURCE_DIR}/engine/include)
  add_test(NAME ${name}_replay
    COMMAND ${name}_replay ${PROJECT_SOURCE_DIR}/fuzz/corpus/${name} ${F_SEEDS})
endfunction()

wf_add_fuzz_replay(definition_fuzzer
  SOURCES ${PROJECT_SOURCE_DIR}/fuzz/definition_fuzzer.cc
  LIBS wf_engine
  SEEDS ${PROJECT_SOURCE_DIR}/workflows)
wf_add_fuzz_replay(request_fuzzer
  SOURCES ${PROJECT_SOURCE_DIR}/fuzz/request_fuzzer.cc
  LIBS wf_service wf_engine wf_api_proto)
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  wf_add_fuzz_replay(string_fuzzer
    SOURCES ${PROJECT_SOURCE_DIR}/fuzz/string_fuzzer.cc
    LIBS wf_lua)
endif()
