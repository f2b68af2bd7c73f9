// Which instruction sets this translation unit may use. The AVX2/AVX-512 kernels need GCC or Clang
// (`__attribute__((target))`, `__builtin_cpu_supports`) on x86; everywhere else (arm64: Apple
// Silicon, Graviton; MSVC) the portable scalar code is the only path, chosen at compile time.
#pragma once

#if (defined(__x86_64__) || defined(_M_X64) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define NORMFREE_X86_SIMD 1
#include <immintrin.h>
#else
#define NORMFREE_X86_SIMD 0
#endif

#if !NORMFREE_X86_SIMD
#include <thread>
#endif

namespace normfree {

/** A spin-wait hint: PAUSE on x86, YIELD on arm64, else a scheduler yield. */
inline void cpuRelax() {
#if NORMFREE_X86_SIMD
  _mm_pause();
#elif defined(__aarch64__) || defined(__arm__)
  __asm__ __volatile__("yield");
#else
  std::this_thread::yield();
#endif
}

}  // namespace normfree
