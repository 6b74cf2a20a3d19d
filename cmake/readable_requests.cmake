# Gives every request type of PROTO's services the engine's decoding
# (engine/service/request_reader.h), so that a request that does not decode
# is refused with words instead of gRPC's bare UNIMPLEMENTED:
#   cmake -DPROTO=wf/v1/workflow.proto -DGEN=<protoc's out folder>
#         -P readable_requests.cmake
# Writes GEN/<name>.readable.h with WF_READABLE_REQUEST for each request type
# named by an `rpc`, and includes it in protoc's GEN/<name>.grpc.pb.h right
# after the messages' header, before any gRPC template codes them.
cmake_policy(SET CMP0057 NEW)  # if(... IN_LIST ...)
get_filename_component(stem ${PROTO} NAME_WE)
file(READ ${PROTO} text)
string(REGEX REPLACE "//[^\n]*" "" text "${text}")

string(REGEX MATCH "package[ \t\r\n]+([A-Za-z0-9_.]+)[ \t\r\n]*;" _ "${text}")
if(NOT CMAKE_MATCH_1)
  message(FATAL_ERROR "${PROTO}: no package")
endif()
set(package ${CMAKE_MATCH_1})
string(REPLACE "." "/" folder ${package})
string(REPLACE "." "::" namespace ${package})

set(ws "[ \t\r\n]")
string(REGEX MATCHALL "rpc${ws}+[A-Za-z0-9_]+${ws}*\\(${ws}*(stream${ws}+)?[A-Za-z0-9_.]+"
  rpcs "${text}")
set(types)
foreach(rpc IN LISTS rpcs)
  string(REGEX REPLACE ".*\\(${ws}*(stream${ws}+)?" "" type "${rpc}")
  # A type of another package (google.protobuf.Empty) is not ours to change.
  if(NOT type MATCHES "\\.")
    list(APPEND types ${type})
  endif()
endforeach()
list(REMOVE_DUPLICATES types)
list(SORT types)

# A client decodes answers with gRPC's own traits, and must keep doing so:
# an answer that did not decode would reach it empty instead of failing.
string(REGEX MATCHALL "returns${ws}*\\(${ws}*(stream${ws}+)?[A-Za-z0-9_.]+"
  answers "${text}")
foreach(answer IN LISTS answers)
  string(REGEX REPLACE ".*\\(${ws}*(stream${ws}+)?" "" type "${answer}")
  if(type IN_LIST types)
    message(FATAL_ERROR "${PROTO}: ${type} is both a request and an answer; "
      "give each its own message (engine/service/request_reader.h)")
  endif()
endforeach()

set(header "// Generated from ${folder}/${stem}.proto by cmake/readable_requests.cmake: do not edit.\n")
string(APPEND header "#include \"engine/service/request_reader.h\"\n")
foreach(type IN LISTS types)
  string(APPEND header "WF_READABLE_REQUEST(::${namespace}::${type})\n")
endforeach()
file(WRITE ${GEN}/${folder}/${stem}.readable.h "${header}")

set(grpc_header ${GEN}/${folder}/${stem}.grpc.pb.h)
file(READ ${grpc_header} code)
set(messages "#include \"${folder}/${stem}.pb.h\"")
set(readable "#include \"${folder}/${stem}.readable.h\"")
string(FIND "${code}" "${readable}" already)
if(already EQUAL -1)
  string(FIND "${code}" "${messages}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${grpc_header} does not include ${folder}/${stem}.pb.h")
  endif()
  string(REPLACE "${messages}" "${messages}\n${readable}" code "${code}")
  file(WRITE ${grpc_header} "${code}")
endif()
