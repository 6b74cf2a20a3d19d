# A GoogleTest executable: its tests registered with ctest.
#
# In the optimised builds the test code itself is compiled at -O1, not -O2:
# it half-fills CI's build time (the fixtures instantiate gtest, JSON and
# protobuf templates by the thousand) and nothing in it is measured. The
# engine it links stays at the build's own level, and so do the benchmarks.
function(wf_gtest target)
  target_compile_options(${target} PRIVATE $<$<CONFIG:RelWithDebInfo,Release>:-O1>)
  gtest_discover_tests(${target} ${ARGN})
endfunction()
