// Copyright the wf-engine authors. Apache-2.0.
#include "engine/util/sha256.h"

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace wf {
namespace {

// The test vectors of FIPS 180-2, appendix B.
TEST(Sha256Test, StandardVectors) {
  EXPECT_EQ(ToHex(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(ToHex(Sha256("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(ToHex(Sha256(
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256Test, TwoPartsHashAsTheirConcatenation) {
  EXPECT_EQ(Sha256("ab", "c"), Sha256("abc"));
  EXPECT_EQ(Sha256("", "abc"), Sha256("abc"));
  Sha256Hasher pieces;
  pieces.Update("a");
  pieces.Update("");
  pieces.Update("bc");
  EXPECT_EQ(pieces.Finish(), Sha256("abc"));
}

// Each thread keeps its own context (sha256.cc): threads hashing at once
// get the digests one thread alone gets.
TEST(Sha256Test, ThreadsHashingAtOnceGetTheSameDigests) {
  std::vector<std::string> inputs, alone;
  for (int i = 0; i < 64; ++i) {
    inputs.push_back(absl::StrCat("văn bản số ", i, std::string(i * 37, 'x')));
    alone.push_back(Sha256(inputs.back()));
  }
  std::vector<int> wrong(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 200; ++round) {
        for (size_t i = 0; i < inputs.size(); ++i) {
          if (Sha256(inputs[i]) != alone[i]) ++wrong[t];
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong, std::vector<int>(4, 0));
}

}  // namespace
}  // namespace wf
