#!/bin/sh
# Regenerates the seed corpus of request_fuzzer from readable text protos:
# each seed is one selector byte (0 fire, 1 start, 2 deploy, 3 raw text)
# followed by the message in protobuf wire format. Run from anywhere; needs
# protoc (Debian: protobuf-compiler).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
proto_dir=$here/../proto
out=$here/corpus/request_fuzzer
mkdir -p "$out"

seed() {  # name selector message-type text-proto
  { printf "\\$(printf '%03o' "$2")"
    printf '%s\n' "$4" | protoc --encode="wf.v1.$3" -I "$proto_dir" \
      -I /usr/include "$proto_dir/wf/v1/workflow.proto"
  } > "$out/$1"
}

seed fire_ghi 0 FireEventRequest 'event: "ghi" payload { fields { key: "noi_dung" value { string_value: "Kế hoạch 2026" } } fields { key: "so" value { number_value: 3 } } }'
seed fire_gui 0 FireEventRequest 'event: "gui" payload { fields { key: "noi_dung" value { string_value: "Tiên Du" } } } idempotency_key: "k-1"'
seed fire_gui_missing 0 FireEventRequest 'event: "gui" payload { }'
seed fire_tra_lai 0 FireEventRequest 'event: "tra_lai" payload { fields { key: "ly_do" value { string_value: "Thiếu số liệu" } } } expected_version: 2 expected_state: "cho"'
seed fire_dong 0 FireEventRequest 'event: "dong" payload { fields { key: "a" value { list_value { values { number_value: 1 } values { number_value: 2 } values { struct_value { fields { key: "b" value { null_value: NULL_VALUE } } } } } } } fields { key: "c" value { number_value: -500 } } }'
seed fire_unknown 0 FireEventRequest 'instance_id: "wi-000000000009" event: "Khong_Co"'
seed start_plain 1 StartInstanceRequest 'workflow: "fuzz" variables { fields { key: "don_vi" value { string_value: "Xã Tiên Du" } } fields { key: "nam" value { number_value: 2026 } } } business_key: "KH-2026-01"'
seed start_idempotent 1 StartInstanceRequest 'workflow: "fuzz" idempotency_key: "start-1" variables { fields { key: "ds" value { list_value { values { string_value: "a" } values { string_value: "b" } } } } }'
seed start_unknown 1 StartInstanceRequest 'workflow: "khong_co"'
seed deploy_small 2 DeployWorkflowRequest 'file_name: "nho.lua" source: "workflow \"nho\" { initial = \"a\", who = { role = \"*\", unit = \"same_unit\" } }\nstate \"a\" {}\nstate \"b\" { final = true }\ntransition \"xong\" { from = \"a\", to = \"b\", action = function(ctx) ctx.vars.x = #ctx.payload end }\n"'
seed deploy_broken 2 DeployWorkflowRequest 'file_name: "hong.lua" source: "workflow \"hong\" { initial = \"a\" }\nstate \"a\" { gaurd = 1 }\n"'
printf '\003{"noi_dung":"Tie\314\202n Du","ds":[1,2.5,true,null,{"x":"\\u00ea"}]}' > "$out/json_nfd"
printf '\003{"a":"\\ud800"}' > "$out/json_lone_surrogate"
printf '\003[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]' > "$out/json_deep"
printf '\003KH-2026/BCĐ-05\tx' > "$out/text_key"
echo "wrote $(ls "$out" | wc -l) seeds to $out"
