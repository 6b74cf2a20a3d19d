// Copyright the wf-engine authors. Apache-2.0.
#include "engine/lua/metered_library.h"

#include <algorithm>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>

#include "engine/lua/metering.h"
#include "engine/lua/sandbox.h"

namespace wf {
namespace {

// --- Reading sizes from arguments and results ----------------------------
// These never raise and never convert a value: a wrong argument is left for
// the original function to report.

uint64_t StringLength(lua_State* L, int index) {
  return lua_type(L, index) == LUA_TSTRING ? lua_rawlen(L, index) : 0;
}

// Integer argument `index`, or `fallback` if absent or not an integer.
lua_Integer IntegerOr(lua_State* L, int index, lua_Integer fallback) {
  int is_integer = 0;
  lua_Integer value = lua_tointegerx(L, index, &is_integer);
  return is_integer ? value : fallback;
}

// Elements from i to j inclusive, saturating; 0 if j < i.
uint64_t Span(lua_Integer i, lua_Integer j) {
  if (j < i) return 0;
  return static_cast<uint64_t>(j) - static_cast<uint64_t>(i) + 1;
}

// The length the table functions use (#t, so a __len runs; it runs again in
// the original function). 0 if argument 1 is not a table.
lua_Integer TableLength(lua_State* L) {
  if (lua_type(L, 1) != LUA_TTABLE) return 0;
  return luaL_len(L, 1);
}

// A byte range [i, j] of the string argument 1, with string.sub's rules for
// negative and out-of-range positions.
uint64_t ByteRange(lua_State* L, lua_Integer i, lua_Integer j) {
  auto len = static_cast<lua_Integer>(StringLength(L, 1));
  auto clamp = [len](lua_Integer pos) -> lua_Integer {
    if (pos < 0) pos = pos < -len ? 0 : len + pos + 1;
    return std::min(pos, len);
  };
  return Span(std::max<lua_Integer>(clamp(i), 1), clamp(j));
}

uint64_t StringResultBytes(lua_State* L, int first) {
  uint64_t bytes = 0;
  for (int k = first; k <= lua_gettop(L); ++k) bytes += StringLength(L, k);
  return bytes;
}

// --- Costs ----------------------------------------------------------------

using Cost = void (*)(lua_State* L, WorkMeter* meter);
// `first`: the stack index of the first result.
using ResultCost = void (*)(lua_State* L, int first, WorkMeter* meter);

struct Metered {
  const char* library;  // global name of the table, nullptr for _G
  const char* name;
  Cost before;          // from the arguments, before the call
  ResultCost after;     // from the results
};

void ArgumentCount(lua_State* L, WorkMeter* m) { m->AddValues(lua_gettop(L)); }
void FirstStringScanned(lua_State* L, WorkMeter* m) {
  m->AddBytesScanned(StringLength(L, 1));
}
void FirstStringCopied(lua_State* L, WorkMeter* m) {
  m->AddBytesCopied(StringLength(L, 1));
}
void ResultsCount(lua_State* L, int first, WorkMeter* m) {
  m->AddValues(lua_gettop(L) - first + 1);
}
void ResultsCopied(lua_State* L, int first, WorkMeter* m) {
  m->AddBytesCopied(StringResultBytes(L, first));
}
void ResultsScanned(lua_State* L, int first, WorkMeter* m) {
  m->AddBytesScanned(StringResultBytes(L, first));
}
void ResultsCountAndCopied(lua_State* L, int first, WorkMeter* m) {
  ResultsCount(L, first, m);
  ResultsCopied(L, first, m);
}

// print and warn: every argument is turned into text and written.
void AllStringsCopied(lua_State* L, WorkMeter* m) {
  ArgumentCount(L, m);
  for (int k = 1; k <= lua_gettop(L); ++k) m->AddBytesCopied(StringLength(L, k));
}

// string.rep(s, n, sep): the result's size is known before the work. A
// result over the memory cap is left to fail there (the clearer error);
// with s and sep empty nothing is allocated and only the loop costs.
void RepCost(lua_State* L, WorkMeter* m) {
  lua_Integer n = IntegerOr(L, 2, 0);
  if (n <= 0) return;
  uint64_t unit = StringLength(L, 1) + StringLength(L, 3);
  auto count = static_cast<uint64_t>(n);
  if (unit == 0) {
    m->AddBytesScanned(count);
    return;
  }
  if (count > Sandbox::MemoryCap(L) / unit) return;
  m->AddBytesCopied(count * unit);
}

// string.char and utf8.char: one value in, one to four bytes out each.
void CharCost(lua_State* L, WorkMeter* m) {
  m->AddValues(lua_gettop(L));
  m->AddBytesScanned(4 * static_cast<uint64_t>(lua_gettop(L)));
}

// string.pack, packsize, unpack: the format is read once.
void PackCost(lua_State* L, WorkMeter* m) {
  FirstStringScanned(L, m);
  ArgumentCount(L, m);
}

// string.format(fmt, ...): reads fmt, and each directive ('%') formats a
// value (snprintf: an instruction's worth); the result is charged after.
// "%q" quotes a string byte by byte, a control byte through snprintf
// (measured: 11 ns a byte for zero bytes, 3 ns for letters): with a "%q" in
// the format, every string argument costs an instruction a byte.
void FormatCost(lua_State* L, WorkMeter* m) {
  PackCost(L, m);
  if (lua_type(L, 1) != LUA_TSTRING) return;
  size_t len;
  const char* fmt = lua_tolstring(L, 1, &len);
  uint64_t directives = 0;
  bool quotes = false;
  for (const char* p = fmt; (p = static_cast<const char*>(
                                 std::memchr(p, '%', fmt + len - p))) != nullptr;
       ++p) {
    ++directives;
    quotes = quotes || (p + 1 < fmt + len && p[1] == 'q');
  }
  m->AddInstructions(directives);
  if (!quotes) return;
  for (int k = 2; k <= lua_gettop(L); ++k) m->AddInstructions(StringLength(L, k));
}

// utf8.codepoint(s, i = 1, j = i): decodes bytes i..j.
void CodepointCost(lua_State* L, WorkMeter* m) {
  lua_Integer i = IntegerOr(L, 2, 1);
  m->AddBytesScanned(ByteRange(L, i, IntegerOr(L, 3, i)));
}

// utf8.len(s, i = 1, j = -1).
void Utf8LenCost(lua_State* L, WorkMeter* m) {
  m->AddBytesScanned(ByteRange(L, IntegerOr(L, 2, 1), IntegerOr(L, 3, -1)));
}

// table.concat(list, sep, i = 1, j = #list): four instructions per
// element, since a number element is formatted (measured: about 230 ns an
// element for a list of numbers); the result is charged after.
void ConcatCost(lua_State* L, WorkMeter* m) {
  lua_Integer i = IntegerOr(L, 3, 1);
  lua_Integer j = lua_isnoneornil(L, 4) ? TableLength(L) : IntegerOr(L, 4, 0);
  uint64_t elements = Span(i, j);
  m->AddInstructions(elements > UINT64_MAX / 4 ? UINT64_MAX : 4 * elements);
}

// table.unpack(list, i = 1, j = #list).
void UnpackCost(lua_State* L, WorkMeter* m) {
  lua_Integer i = IntegerOr(L, 2, 1);
  lua_Integer j = lua_isnoneornil(L, 3) ? TableLength(L) : IntegerOr(L, 3, 0);
  m->AddValues(Span(i, j));
}

// table.insert(list, [pos,] value) and table.remove(list [, pos]) shift the
// elements from pos to the end by one.
// `args_with_pos`: the argument count when a position is given.
void ShiftCost(lua_State* L, WorkMeter* m, int args_with_pos) {
  m->AddValues(1);
  if (lua_gettop(L) < args_with_pos) return;  // at the end: nothing shifts
  lua_Integer n = TableLength(L);
  m->AddValues(Span(IntegerOr(L, 2, n), n));
}
void InsertCost(lua_State* L, WorkMeter* m) { ShiftCost(L, m, 3); }
void RemoveCost(lua_State* L, WorkMeter* m) { ShiftCost(L, m, 2); }

// table.move(a1, f, e, t [,a2]): e - f + 1 elements.
void MoveCost(lua_State* L, WorkMeter* m) {
  m->AddValues(Span(IntegerOr(L, 2, 1), IntegerOr(L, 3, 0)));
}

// error(message): a string message is copied with its position prefixed.
void ErrorCost(lua_State* L, WorkMeter* m) { FirstStringCopied(L, m); }

const Metered kMetered[] = {
    // Base library.
    {nullptr, "select", nullptr, &ResultsCount},
    {nullptr, "tonumber", &FirstStringScanned, nullptr},
    {nullptr, "print", &AllStringsCopied, nullptr},
    {nullptr, "warn", &AllStringsCopied, nullptr},
    {nullptr, "error", &ErrorCost, nullptr},
    // string (find, match, gmatch, gsub meter themselves).
    {"string", "byte", nullptr, &ResultsCount},
    {"string", "char", &CharCost, nullptr},
    {"string", "format", &FormatCost, &ResultsCopied},
    {"string", "lower", &FirstStringScanned, nullptr},
    {"string", "upper", &FirstStringScanned, nullptr},
    {"string", "reverse", &FirstStringScanned, nullptr},
    {"string", "rep", &RepCost, nullptr},
    {"string", "sub", nullptr, &ResultsCopied},
    {"string", "pack", &PackCost, &ResultsScanned},
    {"string", "packsize", &PackCost, nullptr},
    {"string", "unpack", &PackCost, &ResultsCountAndCopied},
    // table (sort is ours, below).
    {"table", "concat", &ConcatCost, &ResultsCopied},
    {"table", "insert", &InsertCost, nullptr},
    {"table", "remove", &RemoveCost, nullptr},
    {"table", "move", &MoveCost, nullptr},
    {"table", "pack", &ArgumentCount, nullptr},
    {"table", "unpack", &UnpackCost, nullptr},
    // math.
    {"math", "max", &ArgumentCount, nullptr},
    {"math", "min", &ArgumentCount, nullptr},
    // utf8 (codes: see CodesIterator).
    {"utf8", "char", &CharCost, nullptr},
    {"utf8", "codepoint", &CodepointCost, &ResultsCount},
    {"utf8", "len", &Utf8LenCost, nullptr},
    {"utf8", "offset", &FirstStringScanned, nullptr},
};

// Runs the original C function (upvalue 1) in the caller's frame rather
// than through lua_call: its argument errors then name the function and the
// script's line ("x.lua:3: bad argument #1 to 'upper'"), as without the
// wrapper, instead of "bad argument #1 to '?'". Valid because Wrap only
// wraps C functions without upvalues. Returns its results.
int CallOriginal(lua_State* L) {
  lua_CFunction original = lua_tocfunction(L, lua_upvalueindex(1));
  return original(L);
}

// The wrapper. Upvalues: the original function, its Metered entry.
int CallMetered(lua_State* L) {
  const auto* entry =
      static_cast<const Metered*>(lua_touserdata(L, lua_upvalueindex(2)));
  if (entry->before != nullptr) {
    WorkMeter meter(L);
    entry->before(L, &meter);
    meter.Flush();
  }
  int results = CallOriginal(L);
  if (entry->after != nullptr) {
    WorkMeter meter(L);
    entry->after(L, lua_gettop(L) - results + 1, &meter);
    meter.Flush();
  }
  return results;
}

// --- utf8.codes -----------------------------------------------------------
// Each step of Lua's iterator skips the continuation bytes after the
// control position: called directly with a chosen position on a string of
// continuation bytes, one step scans it all. Ours counts (and charges)
// that skip before the original step runs. Upvalue: Lua's step function.
int CodesStep(lua_State* L) {
  uint64_t len = StringLength(L, 1);
  lua_Integer at = IntegerOr(L, 2, 0);
  if (at >= 0 && static_cast<uint64_t>(at) < len) {
    const auto* s = reinterpret_cast<const unsigned char*>(lua_tostring(L, 1));
    WorkMeter meter(L);
    for (auto k = static_cast<uint64_t>(at); k < len && (s[k] & 0xC0) == 0x80;
         ++k) {
      meter.AddBytesScanned(1);
    }
    meter.AddBytesScanned(4);
    meter.Flush();
  }
  return CallOriginal(L);
}

// utf8.codes(s [, lax]): Lua's, with its step function wrapped.
// Upvalue: Lua's utf8.codes.
int Codes(lua_State* L) {
  int results = CallOriginal(L);
  if (results != 3 || lua_tocfunction(L, -3) == nullptr) {
    luaL_error(L, "utf8.codes: unexpected results");
  }
  lua_pushvalue(L, -3);
  lua_pushcclosure(L, &CodesStep, 1);
  lua_replace(L, -4);
  return 3;
}

// --- table.sort -------------------------------------------------------------
// The elements are copied onto the Lua stack, sorted there, and written
// back: no table access in between. Short lists (most: pairs() sorts the
// keys of every table it visits) by a binary insertion sort, longer ones
// by a bottom-up merge sort (n log n comparisons for any input; measured:
// as fast as Lua's own sort for 15 elements and 200). A list too long for
// the stack is heapsorted in place through lua_geti/lua_seti. All end
// whatever the comparator answers (every loop is bounded by positions, not
// by comparisons), and put equal elements in the same order on every run,
// which is what replay needs.
constexpr lua_Integer kInsertionSortMax = 16;
constexpr lua_Integer kStackSortMax = 50'000;

class Sorter {
 public:
  // Sorts argument 1 with the comparator at 2 (nil: the < operator).
  explicit Sorter(lua_State* L)
      : L_(L), meter_(L), has_comparator_(!lua_isnil(L, 2)) {}

  void Sort(lua_Integer n) {
    if (n <= kInsertionSortMax) {
      InsertionSort(static_cast<int>(n));
    } else if (n <= kStackSortMax && lua_checkstack(L_, 2 * n + 8)) {
      MergeSort(static_cast<int>(n));
    } else {
      HeapSort(n);
    }
    meter_.Flush();
  }

 private:
  // Pushes element `i` (0-based).
  void Get(lua_Integer i) {
    meter_.AddValues(1);
    lua_geti(L_, 1, i + 1);
  }
  // Pops the top into element `i`.
  void Set(lua_Integer i) {
    meter_.AddValues(1);
    lua_seti(L_, 1, i + 1);
  }
  // Whether the value at stack index `a` sorts before the one at `b`.
  // Comparing two strings reads up to the shorter one's length: charged
  // with a comparator too (whose `<` on them the count hook sees as one
  // instruction).
  bool Less(int a, int b) {
    a = lua_absindex(L_, a);
    b = lua_absindex(L_, b);
    meter_.AddInstructions(1);
    meter_.AddBytesScanned(std::min(StringLength(L_, a), StringLength(L_, b)));
    if (has_comparator_) {
      lua_pushvalue(L_, 2);
      lua_pushvalue(L_, a);
      lua_pushvalue(L_, b);
      lua_call(L_, 2, 1);
      bool less = lua_toboolean(L_, -1);
      lua_pop(L_, 1);
      return less;
    }
    return lua_compare(L_, a, b, LUA_OPLT);
  }

  // Pushes the elements one by one, each moved down to its place among
  // those before it (found by binary search), then pops them back into
  // the table from the last.
  void InsertionSort(int n) {
    luaL_checkstack(L_, n + 8, "table.sort");
    int base = lua_gettop(L_) + 1;
    for (int i = 0; i < n; ++i) {
      Get(i);
      int low = 0, high = i;  // the place is in [low, high]
      while (low < high) {
        int mid = low + (high - low) / 2;
        if (Less(-1, base + mid)) {
          high = mid;
        } else {
          low = mid + 1;
        }
      }
      meter_.AddValues(i - low);
      lua_rotate(L_, base + low, 1);
    }
    for (int i = n - 1; i >= 0; --i) Set(i);
  }

  // Merges the sorted runs [lo, mid) and [mid, hi) of the stack slots from
  // `from` into the same positions from `to`. Takes from the right run only
  // when strictly less: equal elements keep their order.
  void Merge(int from, int to, int lo, int mid, int hi) {
    int i = lo, j = mid, k = lo;
    while (i < mid && j < hi) {
      int take = Less(from + j, from + i) ? j++ : i++;
      lua_copy(L_, from + take, to + k++);
    }
    while (i < mid) lua_copy(L_, from + i++, to + k++);
    while (j < hi) lua_copy(L_, from + j++, to + k++);
  }

  // Needs 2n + 8 free stack slots: the elements and a buffer.
  void MergeSort(int n) {
    int base = lua_gettop(L_) + 1;
    for (int i = 0; i < n; ++i) Get(i);
    lua_settop(L_, base + 2 * n - 1);
    int from = base, to = base + n;
    for (int width = 1; width < n; width *= 2) {
      for (int lo = 0; lo < n; lo += 2 * width) {
        int mid = std::min(lo + width, n), hi = std::min(lo + 2 * width, n);
        Merge(from, to, lo, mid, hi);
      }
      meter_.AddValues(n);
      std::swap(from, to);
    }
    for (int i = n - 1; i >= 0; --i) {
      lua_pushvalue(L_, from + i);
      Set(i);
    }
    lua_settop(L_, base - 1);
  }

  // Moves element `root` down the max-heap [0, size) to its place.
  void SiftDown(lua_Integer root, lua_Integer size) {
    Get(root);  // the value moving down
    for (;;) {
      lua_Integer child = 2 * root + 1;
      if (child >= size) break;
      Get(child);
      if (child + 1 < size) {
        Get(child + 1);
        if (Less(-2, -1)) {
          lua_remove(L_, -2);
          ++child;
        } else {
          lua_pop(L_, 1);
        }
      }
      if (!Less(-2, -1)) {
        lua_pop(L_, 1);
        break;
      }
      Set(root);  // the larger child moves up
      root = child;
    }
    Set(root);
  }

  void HeapSort(lua_Integer n) {
    for (lua_Integer root = n / 2 - 1; root >= 0; --root) SiftDown(root, n);
    for (lua_Integer end = n - 1; end > 0; --end) {
      Get(0);
      Get(end);
      Set(0);    // the last leaf goes to the root...
      Set(end);  // ...and the largest to its final place
      SiftDown(0, end);
    }
  }

  lua_State* L_;
  WorkMeter meter_;
  bool has_comparator_;
};

// Like Lua's table functions: a table, or a value whose metatable gives
// __index, __newindex and __len.
void CheckTableLike(lua_State* L) {
  if (lua_type(L, 1) == LUA_TTABLE) return;
  bool ok = lua_getmetatable(L, 1);
  for (const char* event : {"__index", "__newindex", "__len"}) {
    ok = ok && lua_getfield(L, -1, event) != LUA_TNIL;
    if (ok) lua_pop(L, 1);
  }
  if (!ok) luaL_checktype(L, 1, LUA_TTABLE);  // raises the usual message
  lua_settop(L, 2);
}

// table.sort(list [, comp]).
int Sort(lua_State* L) {
  CheckTableLike(L);
  lua_Integer n = luaL_len(L, 1);
  if (n > 1) {
    luaL_argcheck(L, n < INT_MAX, 1, "array too big");
    if (!lua_isnoneornil(L, 2)) luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_settop(L, 2);
    luaL_checkstack(L, 8, "table.sort");
    Sorter(L).Sort(n);
  }
  return 0;
}

// Pushes the table named `library` (nullptr: the globals); false if absent.
bool PushLibrary(lua_State* L, const char* library) {
  if (library == nullptr) {
    lua_pushglobaltable(L);
    return true;
  }
  if (lua_getglobal(L, library) == LUA_TTABLE) return true;
  lua_pop(L, 1);
  return false;
}

// Replaces library.name with `function`, which gets the original as its
// first upvalue (and `extra`, if any, as its second). Only a C function
// without upvalues is wrapped (see CallOriginal); Lua's are all such.
void Wrap(lua_State* L, const char* library, const char* name,
          lua_CFunction function, const void* extra) {
  if (!PushLibrary(L, library)) return;
  lua_getfield(L, -1, name);
  bool plain = lua_tocfunction(L, -1) != nullptr &&
               lua_getupvalue(L, -1, 1) == nullptr;
  if (!plain) {
    // A Lua build we do not know: refuse to start rather than run the
    // function unmetered (Sandbox::Create then fails with INTERNAL).
    luaL_error(L, "cannot meter %s.%s: not a C function without upvalues",
               library == nullptr ? "_G" : library, name);
  }
  int upvalues = 1;
  if (extra != nullptr) {
    lua_pushlightuserdata(L, const_cast<void*>(extra));
    upvalues = 2;
  }
  lua_pushcclosure(L, function, upvalues);
  lua_setfield(L, -2, name);
  lua_pop(L, 1);
}

}  // namespace

void MeterLibraries(lua_State* L) {
  for (const Metered& entry : kMetered) {
    Wrap(L, entry.library, entry.name, &CallMetered, &entry);
  }
  Wrap(L, "utf8", "codes", &Codes, nullptr);
  if (PushLibrary(L, "table")) {
    lua_pushcfunction(L, &Sort);
    lua_setfield(L, -2, "sort");
    lua_pop(L, 1);
  }
}

}  // namespace wf
