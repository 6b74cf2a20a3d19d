// Copyright the wf-engine authors. Apache-2.0.
//
// Request and response of a unary call on one protobuf Arena: the dozens of
// strings and submessages of a list's answer come from a block kept with
// the call and go with it at once, instead of one allocation and one free
// each (destroying an inbox answer item by item took a tenth of the
// server's CPU under load). gRPC asks the allocator for each call's
// messages (SetMessageAllocatorFor_<Method> in the generated service).
#ifndef WF_SERVICE_ARENA_ALLOCATOR_H_
#define WF_SERVICE_ARENA_ALLOCATOR_H_

#include "google/protobuf/arena.h"
#include "grpcpp/support/message_allocator.h"

namespace wf {

template <typename Request, typename Response>
class ArenaAllocator final
    : public grpc::MessageAllocator<Request, Response> {
 public:
  grpc::MessageHolder<Request, Response>* AllocateMessages() override {
    return new Holder();
  }

 private:
  // A page of an inbox or a list fits in the first block; more grows the
  // arena as usual.
  static constexpr size_t kFirstBlock = 16 << 10;

  class Holder final : public grpc::MessageHolder<Request, Response> {
   public:
    Holder() : arena_(Options(first_block_)) {
      this->set_request(
          google::protobuf::Arena::CreateMessage<Request>(&arena_));
      this->set_response(
          google::protobuf::Arena::CreateMessage<Response>(&arena_));
    }
    void Release() override { delete this; }

   private:
    static google::protobuf::ArenaOptions Options(char* block) {
      google::protobuf::ArenaOptions options;
      options.initial_block = block;
      options.initial_block_size = kFirstBlock;
      return options;
    }

    alignas(8) char first_block_[kFirstBlock];
    google::protobuf::Arena arena_;  // after the block it starts in
  };
};

}  // namespace wf

#endif  // WF_SERVICE_ARENA_ALLOCATOR_H_
