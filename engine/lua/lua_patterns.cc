// Copyright the wf-engine authors. Apache-2.0.
//
// Written from the Lua 5.4 reference manual (§6.4 string.find, match,
// gmatch, gsub; §6.4.1 patterns). Layout of this file: character classes,
// the compiler (pattern text -> items), the matcher, then the four library
// functions.
#include "engine/lua/lua_patterns.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>

#include "engine/lua/metering.h"

namespace wf {
namespace {

// Lua's limit, kept so that scripts see the same bound.
constexpr int kMaxCaptures = 32;
// Repetitions a match may hold open at once: each is a C++ frame of the
// matcher, so this bounds the stack a pattern can use.
constexpr int kMaxDepth = 200;
constexpr size_t kNoMatch = SIZE_MAX;
constexpr char kSpecials[] = "^$*+?.([%-";

// --- Character classes (C locale, whatever the process's locale) ---------

bool IsLower(unsigned char c) { return c >= 'a' && c <= 'z'; }
bool IsUpper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(unsigned char c) { return IsLower(c) || IsUpper(c); }
bool IsGraph(unsigned char c) { return c > ' ' && c < 127; }

// Whether `c` is in the class written "%<letter>"; for a letter that names
// no class, or any other character, "%x" stands for x itself.
bool InClass(unsigned char c, unsigned char letter) {
  unsigned char lower = IsUpper(letter) ? letter + ('a' - 'A') : letter;
  bool in;
  switch (lower) {
    case 'a': in = IsAlpha(c); break;
    case 'c': in = c < ' ' || c == 127; break;
    case 'd': in = IsDigit(c); break;
    case 'g': in = IsGraph(c); break;
    case 'l': in = IsLower(c); break;
    case 'p': in = IsGraph(c) && !IsAlpha(c) && !IsDigit(c); break;
    case 's': in = c == ' ' || (c >= '\t' && c <= '\r'); break;
    case 'u': in = IsUpper(c); break;
    case 'w': in = IsAlpha(c) || IsDigit(c); break;
    case 'x': in = IsDigit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); break;
    case 'z': in = c == 0; break;  // deprecated by Lua, still accepted
    default: return letter == c;
  }
  return IsLower(letter) ? in : !in;  // "%A" is the complement of "%a"
}

struct ByteSet {
  uint64_t bits[4] = {0, 0, 0, 0};
  bool Has(unsigned char c) const { return (bits[c >> 6] >> (c & 63)) & 1; }
  void Add(unsigned char c) { bits[c >> 6] |= uint64_t{1} << (c & 63); }
  void Invert() {
    for (uint64_t& word : bits) word = ~word;
  }
};

// --- Compiled patterns ----------------------------------------------------

enum class Op : uint8_t {
  kSingle,    // one character of a class, with a repetition
  kOpen,      // capture `a` starts here
  kClose,     // capture `a` ends here
  kPosition,  // capture `a` is this position
  kBalance,   // %b`a``b`
  kFrontier,  // %f[set]
  kBackRef,   // the text of capture `a` again
  kAtEnd,     // '$' at the end of the pattern
  kFault,     // the pattern is malformed here: raise when reached
  kDone,      // the end of the pattern
};
enum class Rep : uint8_t { kOnce, kStar, kPlus, kLazy, kMaybe };
enum class Cls : uint8_t { kByte, kAny, kClass, kSet };
enum class Fault : uint8_t {
  kEndsWithEscape,
  kUnclosedSet,
  kBalanceArguments,
  kFrontierWithoutSet,
  kCloseWithoutOpen,
  kTooManyCaptures,
  kBadBackReference,
};
// How a capture reads once the match succeeded.
enum class Kind : uint8_t { kText, kPosition, kUnfinished };

struct Item {
  Op op = Op::kDone;
  Rep rep = Rep::kOnce;
  Cls cls = Cls::kByte;
  uint8_t a = 0;     // byte, class letter, capture, %b opener, Fault
  uint8_t b = 0;     // %b closer; the digit of a bad back-reference
  uint32_t arg = 0;  // set index (kSet, kFrontier); position (kFault)
};
static_assert(sizeof(Item) <= 12, "items are kept small: one per pattern byte");

// A compiled pattern: a header, its sets, its items (kDone last), in one
// block — on the C++ stack for small patterns, else in a Lua userdata, so
// that a huge pattern counts against the memory cap.
struct Header {
  uint32_t items = 0;
  uint32_t sets = 0;
  uint8_t captures = 0;
  Kind kinds[kMaxCaptures] = {};
};

constexpr size_t Align8(size_t n) { return (n + 7) & ~size_t{7}; }

size_t BlockSize(uint32_t items, uint32_t sets) {
  return Align8(sizeof(Header)) + sets * sizeof(ByteSet) + items * sizeof(Item);
}

struct Program {
  const Header* header;
  const ByteSet* sets;
  const Item* items;
};

Program ProgramAt(void* block) {
  auto* bytes = static_cast<unsigned char*>(block);
  const auto* header = reinterpret_cast<const Header*>(bytes);
  const auto* sets =
      reinterpret_cast<const ByteSet*>(bytes + Align8(sizeof(Header)));
  const auto* items = reinterpret_cast<const Item*>(sets + header->sets);
  return {header, sets, items};
}

// Turns pattern text into items, in two passes over the same code: the
// first (out == nullptr) only counts, the second writes into a block of the
// counted size. Parsing stops at the first malformation, which becomes a
// kFault item: Lua reports a malformed pattern only when the match reaches
// the bad spot, and so do we.
class Compiler {
 public:
  // `offset`: characters cut from the front of the pattern ('^'), so that
  // positions in messages count from the pattern the script wrote.
  Compiler(const char* p, size_t len, size_t offset, WorkMeter* meter)
      : p_(p), len_(len), offset_(offset), meter_(meter) {}

  // Returns the items and sets needed (first pass) or fills `block`.
  void Run(void* block);
  uint32_t items() const { return items_; }
  uint32_t sets() const { return sets_; }

 private:
  void Emit(const Item& item);
  void EmitFault(Fault fault, size_t at, uint8_t digit = 0);
  // Parses "[...]" at `open`; returns the index after ']' or kNoMatch.
  size_t ParseSet(size_t open, uint32_t* set);
  void FillSet(size_t open, size_t close, ByteSet* set);
  // Parses one character class with its repetition at `at`; returns the
  // index after it, or kNoMatch after emitting a fault.
  size_t ParseSingle(size_t at);
  size_t ParseEscape(size_t at);
  size_t ParseOpen(size_t at);
  size_t ParseClose(size_t at);

  const char* p_;
  size_t len_;
  size_t offset_;
  WorkMeter* meter_;
  Item* out_ = nullptr;
  ByteSet* out_sets_ = nullptr;
  uint32_t items_ = 0;
  uint32_t sets_ = 0;
  uint8_t captures_ = 0;
  Kind kinds_[kMaxCaptures] = {};
  int open_[kMaxCaptures] = {};  // captures not yet closed, innermost last
  int open_count_ = 0;
};

void Compiler::Emit(const Item& item) {
  if (out_ != nullptr) out_[items_] = item;
  ++items_;
}

void Compiler::EmitFault(Fault fault, size_t at, uint8_t digit) {
  Item item;
  item.op = Op::kFault;
  item.a = static_cast<uint8_t>(fault);
  item.b = digit;
  item.arg = static_cast<uint32_t>(at + offset_ + 1);
  Emit(item);
}

void Compiler::Run(void* block) {
  if (block != nullptr) {
    Program program = ProgramAt(block);
    out_sets_ = const_cast<ByteSet*>(program.sets);
    out_ = const_cast<Item*>(program.items);
  }
  size_t at = 0;
  while (at < len_ && at != kNoMatch) {
    char c = p_[at];
    if (c == '(') {
      at = ParseOpen(at);
    } else if (c == ')') {
      at = ParseClose(at);
    } else if (c == '$' && at + 1 == len_) {
      Item item;
      item.op = Op::kAtEnd;
      Emit(item);
      at += 1;
    } else if (c == '%' && at + 1 < len_) {
      at = ParseEscape(at);
    } else {
      at = ParseSingle(at);
    }
  }
  if (at != kNoMatch && meter_ != nullptr && out_ != nullptr) {
    meter_->AddBytesScanned(len_);
  }
  Item done;
  Emit(done);
  if (block != nullptr) {
    auto* header = static_cast<Header*>(block);
    header->items = items_;
    header->sets = sets_;
    header->captures = captures_;
    std::memcpy(header->kinds, kinds_, sizeof(kinds_));
  }
}

// "(" starts a capture, "()" captures the position.
size_t Compiler::ParseOpen(size_t at) {
  if (captures_ == kMaxCaptures) {
    EmitFault(Fault::kTooManyCaptures, at);
    return kNoMatch;
  }
  Item item;
  item.a = captures_;
  size_t next = at + 1;
  if (next < len_ && p_[next] == ')') {
    item.op = Op::kPosition;
    kinds_[captures_] = Kind::kPosition;
    ++next;
  } else {
    item.op = Op::kOpen;
    kinds_[captures_] = Kind::kUnfinished;
    open_[open_count_++] = captures_;
  }
  ++captures_;
  Emit(item);
  return next;
}

// ")" ends the innermost capture still open: which one is known here, as a
// pattern has no alternatives (every match runs its items in order).
size_t Compiler::ParseClose(size_t at) {
  if (open_count_ == 0) {
    EmitFault(Fault::kCloseWithoutOpen, at);
    return kNoMatch;
  }
  Item item;
  item.op = Op::kClose;
  item.a = static_cast<uint8_t>(open_[--open_count_]);
  kinds_[item.a] = Kind::kText;
  Emit(item);
  return at + 1;
}

// "%b", "%f", "%0".."%9"; any other escape is a character class.
size_t Compiler::ParseEscape(size_t at) {
  char c = p_[at + 1];
  Item item;
  if (c == 'b') {
    if (at + 3 >= len_) {
      EmitFault(Fault::kBalanceArguments, at);
      return kNoMatch;
    }
    item.op = Op::kBalance;
    item.a = static_cast<uint8_t>(p_[at + 2]);
    item.b = static_cast<uint8_t>(p_[at + 3]);
    Emit(item);
    return at + 4;
  }
  if (c == 'f') {
    if (at + 2 >= len_ || p_[at + 2] != '[') {
      EmitFault(Fault::kFrontierWithoutSet, at);
      return kNoMatch;
    }
    item.op = Op::kFrontier;
    size_t next = ParseSet(at + 2, &item.arg);
    if (next != kNoMatch) Emit(item);
    return next;
  }
  if (IsDigit(static_cast<unsigned char>(c))) {
    int index = c - '1';
    bool open = false;
    for (int k = 0; k < open_count_; ++k) open = open || open_[k] == index;
    if (index < 0 || index >= captures_ || open) {
      EmitFault(Fault::kBadBackReference, at, static_cast<uint8_t>(c));
      return kNoMatch;
    }
    item.op = Op::kBackRef;
    item.a = static_cast<uint8_t>(index);
    Emit(item);
    return at + 2;
  }
  return ParseSingle(at);
}

size_t Compiler::ParseSingle(size_t at) {
  Item item;
  item.op = Op::kSingle;
  size_t next;
  char c = p_[at];
  if (c == '[') {
    item.cls = Cls::kSet;
    next = ParseSet(at, &item.arg);
    if (next == kNoMatch) return kNoMatch;
  } else if (c == '%') {
    if (at + 1 >= len_) {
      EmitFault(Fault::kEndsWithEscape, at);
      return kNoMatch;
    }
    item.cls = Cls::kClass;
    item.a = static_cast<uint8_t>(p_[at + 1]);
    next = at + 2;
  } else if (c == '.') {
    item.cls = Cls::kAny;
    next = at + 1;
  } else {
    item.a = static_cast<uint8_t>(c);
    next = at + 1;
  }
  if (next < len_) {
    switch (p_[next]) {
      case '*': item.rep = Rep::kStar; ++next; break;
      case '+': item.rep = Rep::kPlus; ++next; break;
      case '-': item.rep = Rep::kLazy; ++next; break;
      case '?': item.rep = Rep::kMaybe; ++next; break;
      default: break;
    }
  }
  Emit(item);
  return next;
}

// The set's text runs from `open` ('[') to the first ']' that is neither
// its first member (after an optional '^') nor escaped by '%'.
size_t Compiler::ParseSet(size_t open, uint32_t* set) {
  size_t at = open + 1;
  if (at < len_ && p_[at] == '^') ++at;
  do {
    if (at >= len_) {
      EmitFault(Fault::kUnclosedSet, open);
      return kNoMatch;
    }
    if (p_[at++] == '%' && at < len_) ++at;
  } while (at >= len_ || p_[at] != ']');
  *set = sets_++;
  if (out_sets_ != nullptr) FillSet(open, at, &out_sets_[*set]);
  return at + 1;
}

// Members: "%x" (a class, or x), "a-z" (a range), or one character.
void Compiler::FillSet(size_t open, size_t close, ByteSet* set) {
  *set = ByteSet();
  size_t at = open + 1;
  bool negated = p_[at] == '^';
  if (negated) ++at;
  for (; at < close; ++at) {
    auto c = static_cast<unsigned char>(p_[at]);
    if (c == '%') {
      auto letter = static_cast<unsigned char>(p_[++at]);
      for (int x = 0; x < 256; ++x) {
        if (InClass(static_cast<unsigned char>(x), letter)) set->Add(x);
      }
      meter_->AddBytesScanned(256);
    } else if (at + 2 < close && p_[at + 1] == '-') {
      auto last = static_cast<unsigned char>(p_[at + 2]);
      for (int x = c; x <= last; ++x) set->Add(static_cast<unsigned char>(x));
      at += 2;
    } else {
      set->Add(c);
    }
  }
  if (negated) set->Invert();
}

// Compiles `p` into `local` if it fits, else into a new userdata pushed on
// the stack, after `prefix` bytes (a multiple of 8) left for the caller.
Program Compile(lua_State* L, const char* p, size_t len, size_t offset,
                WorkMeter* meter, void* local, size_t local_size,
                size_t prefix = 0) {
  Compiler counter(p, len, offset, nullptr);
  counter.Run(nullptr);
  size_t size = BlockSize(counter.items(), counter.sets());
  void* block = local;
  if (size > local_size) {
    block = static_cast<unsigned char*>(lua_newuserdatauv(L, prefix + size, 0)) +
            prefix;
  }
  new (block) Header();
  static_cast<Header*>(block)->sets = counter.sets();
  Compiler writer(p, len, offset, meter);
  writer.Run(block);
  return ProgramAt(block);
}

// --- The matcher ----------------------------------------------------------

class Matcher {
 public:
  Matcher(lua_State* L, const Program& program, const char* subject,
          size_t len, WorkMeter* meter)
      : L_(L), program_(program), s_(subject), len_(len), meter_(meter) {}

  // The end of a match that starts at `start`, or kNoMatch.
  size_t MatchAt(size_t start) { return Run(start, 0, 0); }

  // Pushes capture `i` of the match [start, end) — the whole match if the
  // pattern has no captures and i is 0.
  void PushCapture(int i, size_t start, size_t end);
  // Pushes every capture (or the whole match, if `whole` and there are
  // none); returns how many.
  int PushCaptures(size_t start, size_t end, bool whole);
  int captures() const { return program_.header->captures; }

 private:
  size_t Run(size_t at, uint32_t i, int depth);
  bool Repeat(const Item& item, uint32_t i, int depth, size_t* at);
  bool Single(const Item& item, size_t at) const;
  size_t Balance(const Item& item, size_t at);
  // Raises the error of a kFault item (a Lua error: does not return).
  void Raise(const Item& item);

  struct Capture {
    size_t start = 0;
    size_t len = 0;
  };

  lua_State* L_;
  Program program_;
  const char* s_;
  size_t len_;
  WorkMeter* meter_;
  // No undo needed on backtracking: the items run in order on every path,
  // so a capture is always written again before it is read.
  Capture caps_[kMaxCaptures];
};

bool Matcher::Single(const Item& item, size_t at) const {
  if (at >= len_) return false;
  auto c = static_cast<unsigned char>(s_[at]);
  switch (item.cls) {
    case Cls::kByte: return c == item.a;
    case Cls::kAny: return true;
    case Cls::kClass: return InClass(c, item.a);
    case Cls::kSet: return program_.sets[item.arg].Has(c);
  }
  return false;
}

size_t Matcher::Balance(const Item& item, size_t at) {
  if (at >= len_ || static_cast<unsigned char>(s_[at]) != item.a) {
    return kNoMatch;
  }
  size_t open = 1;
  for (size_t k = at + 1; k < len_; ++k) {
    auto c = static_cast<unsigned char>(s_[k]);
    if (c == item.b) {
      if (--open == 0) {
        meter_->AddMatchSteps(k - at);
        return k + 1;
      }
    } else if (c == item.a) {
      ++open;
    }
  }
  meter_->AddMatchSteps(len_ - at);
  return kNoMatch;
}

void Matcher::Raise(const Item& item) {
  int at = static_cast<int>(item.arg);
  switch (static_cast<Fault>(item.a)) {
    case Fault::kEndsWithEscape:
      luaL_error(L_, "malformed pattern: it ends with '%%' (write '%%%%' "
                     "for a percent sign)");
      break;
    case Fault::kUnclosedSet:
      luaL_error(L_, "malformed pattern: the '[' at position %d has no "
                     "closing ']'", at);
      break;
    case Fault::kBalanceArguments:
      luaL_error(L_, "malformed pattern: '%%b' at position %d needs two "
                     "characters after it", at);
      break;
    case Fault::kFrontierWithoutSet:
      luaL_error(L_, "malformed pattern: '%%f' at position %d must be "
                     "followed by a set '[...]'", at);
      break;
    case Fault::kCloseWithoutOpen:
      luaL_error(L_, "malformed pattern: the ')' at position %d closes no "
                     "capture", at);
      break;
    case Fault::kTooManyCaptures:
      luaL_error(L_, "malformed pattern: more than %d captures (at position "
                     "%d)", kMaxCaptures, at);
      break;
    case Fault::kBadBackReference:
      luaL_error(L_, "malformed pattern: '%%%c' at position %d refers to no "
                     "finished capture", item.b, at);
      break;
  }
}

size_t Matcher::Run(size_t at, uint32_t i, int depth) {
  if (depth > kMaxDepth) {
    luaL_error(L_, "pattern too complex (more than %d repetitions open at "
                   "once)", kMaxDepth);
  }
  for (;; ++i) {
    meter_->AddMatchSteps(1);
    const Item& item = program_.items[i];
    switch (item.op) {
      case Op::kDone:
        return at;
      case Op::kOpen:
      case Op::kPosition:
        caps_[item.a].start = at;
        break;
      case Op::kClose:
        caps_[item.a].len = at - caps_[item.a].start;
        break;
      case Op::kAtEnd:  // always the last item
        return at == len_ ? at : kNoMatch;
      case Op::kBalance:
        at = Balance(item, at);
        if (at == kNoMatch) return kNoMatch;
        break;
      case Op::kFrontier: {
        const ByteSet& set = program_.sets[item.arg];
        auto before = at == 0 ? 0 : static_cast<unsigned char>(s_[at - 1]);
        auto here = at < len_ ? static_cast<unsigned char>(s_[at]) : 0;
        if (set.Has(before) || !set.Has(here)) return kNoMatch;
        break;
      }
      case Op::kBackRef: {
        // A position capture has no text: it never matches again.
        if (program_.header->kinds[item.a] == Kind::kPosition) return kNoMatch;
        const Capture& cap = caps_[item.a];
        meter_->AddBytesScanned(cap.len);
        if (len_ - at < cap.len ||
            std::memcmp(s_ + cap.start, s_ + at, cap.len) != 0) {
          return kNoMatch;
        }
        at += cap.len;
        break;
      }
      case Op::kFault:
        Raise(item);
        return kNoMatch;
      case Op::kSingle:
        if (item.rep == Rep::kOnce) {
          if (!Single(item, at)) return kNoMatch;
          ++at;
          break;
        }
        if (Repeat(item, i, depth, &at)) return at;
        break;
    }
  }
}

// A repeated item at *at. Tries the alternatives but the last through
// recursion (the rest of the pattern from item i + 1). Returns true when
// that decided the match (*at: its end, or kNoMatch); false when the rest
// of the pattern is to continue at *at, the last alternative, which needs
// no recursion.
bool Matcher::Repeat(const Item& item, uint32_t i, int depth, size_t* at) {
  size_t s = *at;
  switch (item.rep) {
    case Rep::kMaybe:  // with the item first, then without
      if (Single(item, s)) {
        size_t end = Run(s + 1, i + 1, depth + 1);
        if (end != kNoMatch) {
          *at = end;
          return true;
        }
      }
      return false;
    case Rep::kLazy:  // as few as possible: one more only if the rest fails
      while (Single(item, s)) {
        size_t end = Run(s, i + 1, depth + 1);
        if (end != kNoMatch) {
          *at = end;
          return true;
        }
        ++s;
      }
      *at = s;
      return false;
    default: {  // '*' and '+': the longest run first, then one less
      size_t n = 0;
      while (Single(item, s + n)) ++n;
      meter_->AddMatchSteps(n);
      size_t fewest = item.rep == Rep::kPlus ? 1 : 0;
      if (n < fewest) {
        *at = kNoMatch;
        return true;
      }
      for (size_t k = n; k > fewest; --k) {
        size_t end = Run(s + k, i + 1, depth + 1);
        if (end != kNoMatch) {
          *at = end;
          return true;
        }
      }
      *at = s + fewest;
      return false;
    }
  }
}

void Matcher::PushCapture(int i, size_t start, size_t end) {
  if (i >= captures()) {
    if (i != 0) luaL_error(L_, "invalid capture index %%%d", i + 1);
    lua_pushlstring(L_, s_ + start, end - start);
    return;
  }
  switch (program_.header->kinds[i]) {
    case Kind::kPosition:
      lua_pushinteger(L_, static_cast<lua_Integer>(caps_[i].start) + 1);
      break;
    case Kind::kUnfinished:
      luaL_error(L_, "unfinished capture %d (a '(' without its ')')", i + 1);
      break;
    case Kind::kText:
      meter_->AddBytesCopied(caps_[i].len);
      lua_pushlstring(L_, s_ + caps_[i].start, caps_[i].len);
      break;
  }
}

int Matcher::PushCaptures(size_t start, size_t end, bool whole) {
  int n = captures() == 0 && whole ? 1 : captures();
  luaL_checkstack(L_, n, "too many captures");
  for (int i = 0; i < n; ++i) PushCapture(i, start, end);
  return n;
}

// --- The library functions ---------------------------------------------

// Patterns up to about 100 items compile on the C++ stack: no allocation
// for the patterns workflows write.
constexpr size_t kLocalBlock = 1024;

// A start position as the manual gives it (1 is the first character,
// negative counts from the end), as a 0-based offset; may exceed `len`.
size_t StartOffset(lua_Integer pos, size_t len) {
  if (pos > 0) return static_cast<size_t>(pos) - 1;
  if (pos == 0 || pos < -static_cast<lua_Integer>(len)) return 0;
  return len - static_cast<size_t>(-pos);
}

bool HasSpecials(const char* p, size_t len, WorkMeter* meter) {
  meter->AddBytesScanned(len);
  for (size_t k = 0; k < len; ++k) {
    if (p[k] != '\0' && std::strchr(kSpecials, p[k]) != nullptr) return true;
  }
  return false;
}

// The first `needle` in `hay`, or kNoMatch. Every candidate (a place where
// the first byte matches) costs the bytes compared; comparing a long
// needle only past its first 64 bytes keeps near-misses cheap to charge
// and long matches honestly charged.
size_t PlainFind(const char* hay, size_t hay_len, const char* needle,
                 size_t len, WorkMeter* meter) {
  if (len == 0) return 0;
  if (len > hay_len) return kNoMatch;
  size_t last = hay_len - len;  // the last start that fits
  size_t head = len < 64 ? len : 64;
  size_t at = 0;
  while (at <= last) {
    const void* hit = std::memchr(hay + at, needle[0], last - at + 1);
    if (hit == nullptr) {
      meter->AddBytesCopied(last - at + 1);
      return kNoMatch;
    }
    size_t found = static_cast<const char*>(hit) - hay;
    meter->AddBytesCopied(found - at + head);
    if (std::memcmp(hay + found, needle, head) == 0) {
      meter->AddBytesCopied(len - head);
      if (std::memcmp(hay + found + head, needle + head, len - head) == 0) {
        return found;
      }
    }
    at = found + 1;
  }
  return kNoMatch;
}

// string.find (find = true) and string.match.
int FindOrMatch(lua_State* L, bool find) {
  size_t len, plen;
  const char* s = luaL_checklstring(L, 1, &len);
  const char* p = luaL_checklstring(L, 2, &plen);
  size_t start = StartOffset(luaL_optinteger(L, 3, 1), len);
  if (start > len) {
    luaL_pushfail(L);
    return 1;
  }
  WorkMeter meter(L);
  if (find && (lua_toboolean(L, 4) || !HasSpecials(p, plen, &meter))) {
    size_t found = PlainFind(s + start, len - start, p, plen, &meter);
    meter.Flush();
    if (found == kNoMatch) {
      luaL_pushfail(L);
      return 1;
    }
    lua_pushinteger(L, static_cast<lua_Integer>(start + found) + 1);
    lua_pushinteger(L, static_cast<lua_Integer>(start + found + plen));
    return 2;
  }
  bool anchored = plen > 0 && p[0] == '^';
  alignas(8) unsigned char local[kLocalBlock];
  Program program = Compile(L, p + anchored, plen - anchored, anchored,
                            &meter, local, sizeof(local));
  Matcher matcher(L, program, s, len, &meter);
  for (size_t at = start;; ++at) {
    size_t end = matcher.MatchAt(at);
    if (end != kNoMatch) {
      meter.Flush();
      if (!find) return matcher.PushCaptures(at, end, true);
      lua_pushinteger(L, static_cast<lua_Integer>(at) + 1);
      lua_pushinteger(L, static_cast<lua_Integer>(end));
      return 2 + matcher.PushCaptures(at, end, false);
    }
    if (anchored || at >= len) break;
  }
  meter.Flush();
  luaL_pushfail(L);
  return 1;
}

int Find(lua_State* L) { return FindOrMatch(L, true); }
int Match(lua_State* L) { return FindOrMatch(L, false); }

// What a gmatch iterator remembers between calls. Only positions: an error
// in one call (a budget error, "pattern too complex") leaves nothing
// half-done for the next.
struct GmatchState {
  size_t next;      // where the next search starts
  size_t last_end;  // end of the last match (an empty match may not
                    // end there again), or kNoMatch
};

// Where the compiled pattern starts in the iterator's userdata.
constexpr size_t kGmatchPrefix = Align8(sizeof(GmatchState));

// The iterator. Upvalues: subject, pattern, a userdata holding the state
// and then the compiled pattern.
int GmatchNext(lua_State* L) {
  size_t len;
  const char* s = lua_tolstring(L, lua_upvalueindex(1), &len);
  auto* state = static_cast<GmatchState*>(lua_touserdata(L, lua_upvalueindex(3)));
  Program program =
      ProgramAt(reinterpret_cast<unsigned char*>(state) + kGmatchPrefix);
  WorkMeter meter(L);
  Matcher matcher(L, program, s, len, &meter);
  for (size_t at = state->next; at <= len; ++at) {
    size_t end = matcher.MatchAt(at);
    if (end != kNoMatch && end != state->last_end) {
      state->next = state->last_end = end;
      meter.Flush();
      return matcher.PushCaptures(at, end, true);
    }
  }
  state->next = len + 1;  // nothing more: later calls return at once
  meter.Flush();
  return 0;
}

// string.gmatch(s, pattern [, init]). '^' is an ordinary character here
// (an anchor would stop the iteration after one match).
int Gmatch(lua_State* L) {
  size_t len, plen;
  luaL_checklstring(L, 1, &len);
  const char* p = luaL_checklstring(L, 2, &plen);
  size_t start = StartOffset(luaL_optinteger(L, 3, 1), len);
  if (start > len) start = len + 1;
  lua_settop(L, 2);
  WorkMeter meter(L);
  Compile(L, p, plen, 0, &meter, nullptr, 0, kGmatchPrefix);  // a userdata
  auto* state = static_cast<GmatchState*>(lua_touserdata(L, -1));
  state->next = start;
  state->last_end = kNoMatch;
  meter.Flush();
  lua_pushcclosure(L, &GmatchNext, 3);
  return 1;
}

// Appends the replacement string (argument 3) for the match [start, end):
// "%0" is the match, "%1".."%9" its captures, "%%" a percent sign.
void AppendTemplate(lua_State* L, Matcher* matcher, luaL_Buffer* out,
                    const char* s, size_t start, size_t end,
                    WorkMeter* meter) {
  size_t len;
  const char* r = lua_tolstring(L, 3, &len);
  meter->AddBytesCopied(len);
  size_t k = 0;
  while (k < len) {
    const void* hit = std::memchr(r + k, '%', len - k);
    size_t escape = hit == nullptr ? len : static_cast<const char*>(hit) - r;
    luaL_addlstring(out, r + k, escape - k);
    if (escape == len) break;
    char c = escape + 1 < len ? r[escape + 1] : '\0';
    if (c == '%') {
      luaL_addchar(out, '%');
    } else if (c == '0') {
      meter->AddBytesCopied(end - start);
      luaL_addlstring(out, s + start, end - start);
    } else if (IsDigit(static_cast<unsigned char>(c))) {
      matcher->PushCapture(c - '1', start, end);
      luaL_addvalue(out);
    } else {
      luaL_error(L, "invalid use of '%%' in replacement string (write '%%%%' "
                    "for a percent sign)");
    }
    k = escape + 2;
  }
}

// Appends what replaces the match [start, end); returns whether it changed
// anything (a function or table giving false or nil keeps the match).
bool AppendReplacement(lua_State* L, Matcher* matcher, luaL_Buffer* out,
                       const char* s, size_t start, size_t end, int type,
                       WorkMeter* meter) {
  if (type == LUA_TSTRING || type == LUA_TNUMBER) {
    AppendTemplate(L, matcher, out, s, start, end, meter);
    return true;
  }
  if (type == LUA_TFUNCTION) {
    lua_pushvalue(L, 3);
    int n = matcher->PushCaptures(start, end, true);
    meter->Flush();  // the function's own instructions are counted anyway
    lua_call(L, n, 1);
  } else {
    matcher->PushCapture(0, start, end);
    lua_gettable(L, 3);
  }
  if (!lua_toboolean(L, -1)) {
    lua_pop(L, 1);
    luaL_addlstring(out, s + start, end - start);
    return false;
  }
  if (!lua_isstring(L, -1)) {
    luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
  }
  size_t added = 0;
  lua_tolstring(L, -1, &added);
  meter->AddBytesCopied(added);
  luaL_addvalue(out);
  return true;
}

// string.gsub(s, pattern, repl [, n]).
int Gsub(lua_State* L) {
  size_t len, plen;
  const char* s = luaL_checklstring(L, 1, &len);
  const char* p = luaL_checklstring(L, 2, &plen);
  int type = lua_type(L, 3);
  lua_Integer max = luaL_optinteger(L, 4, static_cast<lua_Integer>(len) + 1);
  luaL_argexpected(L, type == LUA_TNUMBER || type == LUA_TSTRING ||
                          type == LUA_TFUNCTION || type == LUA_TTABLE,
                   3, "string/function/table");
  bool anchored = plen > 0 && p[0] == '^';
  WorkMeter meter(L);
  alignas(8) unsigned char local[kLocalBlock];
  Program program = Compile(L, p + anchored, plen - anchored, anchored,
                            &meter, local, sizeof(local));
  Matcher matcher(L, program, s, len, &meter);
  luaL_Buffer out;
  luaL_buffinit(L, &out);
  size_t at = 0, last_end = kNoMatch;
  lua_Integer count = 0;
  bool changed = false;
  while (count < max) {
    size_t end = matcher.MatchAt(at);
    if (end != kNoMatch && end != last_end) {
      ++count;
      // Each replacement has a fixed cost beyond its steps and bytes
      // (measured: about 50 ns for a one-byte match).
      meter.AddInstructions(1);
      changed = AppendReplacement(L, &matcher, &out, s, at, end, type,
                                  &meter) || changed;
      at = last_end = end;
    } else if (at < len) {
      luaL_addchar(&out, s[at++]);
    } else {
      break;
    }
    if (anchored) break;
  }
  if (changed) {
    meter.AddBytesCopied(len - at);
    luaL_addlstring(&out, s + at, len - at);
    luaL_pushresult(&out);
  } else {
    lua_pushvalue(L, 1);
  }
  meter.Flush();
  lua_pushinteger(L, count);
  return 2;
}

}  // namespace

void ReplacePatternFunctions(lua_State* L) {
  static const luaL_Reg kFunctions[] = {
      {"find", &Find},
      {"match", &Match},
      {"gmatch", &Gmatch},
      {"gsub", &Gsub},
      {nullptr, nullptr},
  };
  luaL_setfuncs(L, kFunctions, 0);
}

}  // namespace wf
