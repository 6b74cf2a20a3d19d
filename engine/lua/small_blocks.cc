// Copyright the wf-engine authors. Apache-2.0.
#include "engine/lua/small_blocks.h"

#include <sanitizer/asan_interface.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace wf {

// Under AddressSanitizer a kept block is poisoned, but for the link to the
// next kept block, until it is given out again, so that Lua (or our code)
// touching a block it freed is reported as it would be with malloc's free.
// (The leak checker does not look into poisoned bytes: a link there would
// make every kept block but the first look leaked.) Elsewhere these do
// nothing.
namespace {
void Hide(void* block, size_t room) {
  ASAN_POISON_MEMORY_REGION(static_cast<char*>(block) + sizeof(void*),
                            room - sizeof(void*));
}
void Show(void* block, size_t room) {
  ASAN_UNPOISON_MEMORY_REGION(static_cast<char*>(block) + sizeof(void*),
                              room - sizeof(void*));
}
}  // namespace

SmallBlocks::~SmallBlocks() {
  for (size_t c = 0; c < kClasses; ++c) {
    FreeBlock*& head = free_[c];
    while (head != nullptr) {
      Show(head, RoomOf(c));
      FreeBlock* next = head->next;
      std::free(head);
      head = next;
    }
  }
}

void* SmallBlocks::Take(size_t size) {
  if (size > kMaxSmall) return std::malloc(size);
  const size_t c = ClassOf(size);
  FreeBlock* block = free_[c];
  if (block == nullptr) return std::malloc(RoomOf(c));
  Show(block, RoomOf(c));
  free_[c] = block->next;
  kept_ -= RoomOf(c);
  return block;
}

void SmallBlocks::Give(void* ptr, size_t size) {
  if (ptr == nullptr) return;
  if (size > kMaxSmall || kept_ + RoomOf(ClassOf(size)) > kMaxKept) {
    std::free(ptr);
    return;
  }
  const size_t c = ClassOf(size);
  auto* block = static_cast<FreeBlock*>(ptr);
  block->next = free_[c];
  free_[c] = block;
  kept_ += RoomOf(c);
  Hide(block, RoomOf(c));
}

// Every block of a small size has at least its class's room: Take gives
// that, and a block is kept in place only for a size of the same class or
// a smaller one.
void* SmallBlocks::Resize(void* ptr, size_t old_size, size_t new_size) {
  if (new_size == 0) {
    Give(ptr, old_size);
    return nullptr;
  }
  if (ptr == nullptr) return Take(new_size);
  const bool old_small = old_size <= kMaxSmall;
  const bool new_small = new_size <= kMaxSmall;
  if (!old_small && !new_small) return std::realloc(ptr, new_size);
  if (old_small && new_small && ClassOf(old_size) == ClassOf(new_size)) {
    return ptr;
  }
  void* moved = Take(new_size);
  if (moved == nullptr) {
    // A shrinking block has room enough where it is (Lua counts on
    // shrinking never failing).
    return new_size < old_size ? ptr : nullptr;
  }
  std::memcpy(moved, ptr, std::min(old_size, new_size));
  Give(ptr, old_size);
  return moved;
}

}  // namespace wf
