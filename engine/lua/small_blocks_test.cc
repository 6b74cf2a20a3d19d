#include "engine/lua/small_blocks.h"

#include <malloc.h>

#include <cstdlib>
#include <cstring>
#include <vector>

#include "gtest/gtest.h"

namespace wf {
namespace {

TEST(SmallBlocksTest, FreedBlockServesTheNextOfItsSize) {
  SmallBlocks blocks;
  void* a = blocks.Resize(nullptr, 0, 56);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(blocks.Resize(a, 56, 0), nullptr);
  EXPECT_GT(blocks.kept(), 0u);
  // 50 and 56 bytes share malloc's 64-byte chunk; 100 does not.
  void* other = blocks.Resize(nullptr, 0, 100);
  EXPECT_NE(other, a);
  void* b = blocks.Resize(nullptr, 0, 50);
  EXPECT_EQ(b, a);
  EXPECT_EQ(blocks.kept(), 0u);
  blocks.Resize(b, 50, 0);
  blocks.Resize(other, 100, 0);
}

TEST(SmallBlocksTest, SameRoomAsMalloc) {
  SmallBlocks blocks;
  for (size_t size : {1, 8, 24, 25, 40, 41, 56, 100, 384, 1000, 1016, 1017, 2100, 4088, 4089,
                      5000}) {
    void* ours = blocks.Resize(nullptr, 0, size);
    void* plain = std::malloc(size);
    // Not compared with `plain`: a reused chunk may be larger, and a
    // sanitizer's malloc reports the size asked.
    EXPECT_GE(malloc_usable_size(ours), size);
    std::free(plain);
    blocks.Resize(ours, size, 0);
  }
}

TEST(SmallBlocksTest, ResizeKeepsTheBytes) {
  SmallBlocks blocks;
  auto* p = static_cast<char*>(blocks.Resize(nullptr, 0, 20));
  std::memcpy(p, "0123456789abcdefghi", 20);
  // The same class: the same block.
  EXPECT_EQ(blocks.Resize(p, 20, 24), p);
  // Grown past small blocks and back.
  p = static_cast<char*>(blocks.Resize(p, 24, 9000));
  EXPECT_STREQ(p, "0123456789abcdefghi");
  p = static_cast<char*>(blocks.Resize(p, 9000, 30));
  EXPECT_STREQ(p, "0123456789abcdefghi");
  p = static_cast<char*>(blocks.Resize(p, 30, 12));
  EXPECT_EQ(std::memcmp(p, "0123456789ab", 12), 0);
  EXPECT_GE(malloc_usable_size(p), 24u);
  blocks.Resize(p, 12, 0);
}

TEST(SmallBlocksTest, KeepsAtMostItsLimit) {
  SmallBlocks blocks;
  std::vector<void*> many;
  const size_t count = 2 * SmallBlocks::kMaxKept / 64;
  for (size_t i = 0; i < count; ++i) many.push_back(blocks.Resize(nullptr, 0, 56));
  for (void* p : many) blocks.Resize(p, 56, 0);
  EXPECT_LE(blocks.kept(), SmallBlocks::kMaxKept);
  EXPECT_GT(blocks.kept(), SmallBlocks::kMaxKept / 2);
  // Big blocks go back to malloc at once.
  const size_t before = blocks.kept();
  blocks.Resize(blocks.Resize(nullptr, 0, 8192), 8192, 0);
  EXPECT_EQ(blocks.kept(), before);
}

#if defined(WF_SANITIZED)
// The sanitizer build: a kept block is poisoned, so a script's state (or
// our code) reading a block after freeing it is reported as with malloc.
TEST(SmallBlocksDeathTest, ABlockReadAfterItIsFreedIsReported) {
  SmallBlocks blocks;
  char* p = static_cast<char*>(blocks.Resize(nullptr, 0, 40));
  p[20] = 'x';
  blocks.Resize(p, 40, 0);
  ASSERT_GT(blocks.kept(), 0u);
  EXPECT_DEATH({ volatile char c = p[20]; (void)c; }, "use-after-poison");
  // Given out again, it may be used.
  char* again = static_cast<char*>(blocks.Resize(nullptr, 0, 40));
  EXPECT_EQ(again, p);
  again[20] = 'y';
  blocks.Resize(again, 40, 0);
}
#endif

}  // namespace
}  // namespace wf
