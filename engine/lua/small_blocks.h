// Copyright the wf-engine authors. Apache-2.0.
//
// The blocks a Lua state frees, kept for its next allocations of the same
// size. A transition makes and drops a few dozen small Lua objects (ctx,
// ctx.vars, the tables read from it, their strings): through malloc and
// free they cost about 300 machine instructions each, from a free list a
// few dozen.
//
//   SmallBlocks blocks;
//   void* p = blocks.Resize(nullptr, 0, 40);   // a new block of 40 bytes
//   p = blocks.Resize(p, 40, 72);              // grown (moved)
//   blocks.Resize(p, 72, 0);                   // freed: kept for reuse
//
// Sizes are Lua's (the allocator's old and new sizes). A block of up to
// kMaxSmall bytes is given the same room malloc would give it (malloc
// rounds each request to a 16-byte chunk), so the process uses no more
// memory than without the lists, but for what they hold: at most
// kMaxKept bytes. Bigger blocks go to malloc and free as before.
#ifndef WF_LUA_SMALL_BLOCKS_H_
#define WF_LUA_SMALL_BLOCKS_H_

#include <cstddef>

namespace wf {

class SmallBlocks {
 public:
  // Up to malloc's 4 KB chunks: a 2 KB text read from ctx.vars is one.
  static constexpr size_t kMaxSmall = 4088;
  static constexpr size_t kMaxKept = 256 << 10;

  SmallBlocks() = default;
  SmallBlocks(const SmallBlocks&) = delete;
  SmallBlocks& operator=(const SmallBlocks&) = delete;
  ~SmallBlocks();

  // realloc for a Lua state: `ptr` (null for a new block) holds `old_size`
  // bytes; returns a block of `new_size` bytes with the same first bytes,
  // or null (new_size 0: freed; else out of memory, `ptr` untouched).
  void* Resize(void* ptr, size_t old_size, size_t new_size);

  // Bytes the lists hold.
  size_t kept() const { return kept_; }

 private:
  // Small blocks are grouped by malloc's chunk size, in 16-byte steps.
  static constexpr size_t kClasses = (kMaxSmall + 8 + 15) / 16 + 1;
  static size_t ClassOf(size_t size) {
    return size <= 24 ? 2 : (size + 8 + 15) / 16;  // 32 bytes at least
  }
  // The room a block of class `c` has: what malloc gives for its sizes.
  static size_t RoomOf(size_t c) { return c * 16 - 8; }

  void* Take(size_t size);
  void Give(void* ptr, size_t size);

  struct FreeBlock {
    FreeBlock* next;
  };
  FreeBlock* free_[kClasses] = {};
  size_t kept_ = 0;
};

}  // namespace wf

#endif  // WF_LUA_SMALL_BLOCKS_H_
