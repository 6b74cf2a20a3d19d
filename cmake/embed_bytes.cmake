# Writes the bytes of IN as a C++ array NAME (namespace wf) to OUT:
#   cmake -DIN=file -DOUT=file.cc -DNAME=kSomething -P embed_bytes.cmake
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR size "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
file(WRITE ${OUT}
  "// Generated from ${IN} by cmake/embed_bytes.cmake: do not edit.\n"
  "#include <cstddef>\nnamespace wf {\n"
  "extern const char ${NAME}[] = {${bytes}};\n"
  "extern const size_t ${NAME}Size = ${size};\n}  // namespace wf\n")
