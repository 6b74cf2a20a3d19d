// Copyright the wf-engine authors. Apache-2.0.
//
// Test-only: changes one history event of a stopped server's data folder in
// place, through the Store API, keeping its stored hash — what someone
// editing the database behind the engine's back would leave. The end-to-end
// tests then check that verification names that instance and event.
//
//   corrupt_event DATA_DIR INSTANCE_ID SEQ
#include <cstdlib>
#include <iostream>
#include <string>

#include "engine/store/keys.h"
#include "engine/store/records.pb.h"
#include "engine/store/store.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: corrupt_event DATA_DIR INSTANCE_ID SEQ\n";
    return 2;
  }
  const std::string id = argv[2];
  const std::string key =
      wf::keys::History(id, std::strtoull(argv[3], nullptr, 10));
  auto store = wf::Store::Open(argv[1], wf::StoreOptions());
  if (!store.ok()) {
    std::cerr << store.status() << "\n";
    return 1;
  }
  auto value = (*store)->Get(wf::Cf::kHistory, key);
  wf::store::HistoryEventRecord record;
  wf::store::HistoryEventBody body;
  if (!value.ok() || !value->has_value() || !record.ParseFromString(**value) ||
      !body.ParseFromString(record.body())) {
    std::cerr << "no such event\n";
    return 1;
  }
  body.set_payload_json(R"({"sua_len":"giá trị ghi đè ngoài engine"})");
  record.set_body(body.SerializeAsString());
  wf::WriteSet set;
  set.Put(wf::Cf::kHistory, key, record.SerializeAsString());
  rocksdb::WriteBatch batch;
  (*store)->AppendTo(set, &batch);
  auto written = (*store)->WriteSynced(&batch);
  if (!written.ok()) {
    std::cerr << written << "\n";
    return 1;
  }
  return (*store)->Close().ok() ? 0 : 1;
}
