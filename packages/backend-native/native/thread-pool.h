// One persistent pool of worker threads per process, with a fork-join parallelFor (see thread-pool.cc).
#pragma once
#include <cstdint>
#include <functional>

namespace normfree {

/** Threads a parallel region uses, the calling thread included (≥ 1). */
int threadCount();

/**
 * Use `count` threads (the caller plus count − 1 workers; clamped to [1, 256]). Joins the old
 * workers first; safe to call at any time from the thread that runs the kernels.
 */
void setThreadCount(int count);

/** The cores this process may run on (sched_getaffinity), or hardware_concurrency elsewhere; ≥ 1. */
int availableCores();

/** Parallel regions run so far with more than one part (tests check that a kernel did go parallel). */
uint64_t parallelRegions();

/** Join every worker (the env cleanup hook calls it); a later parallelFor restarts them. */
void stopThreads();

/**
 * Run body(begin, end) over [0, count) split into at most threadCount() contiguous, deterministic
 * parts of at least `minPerPart` units each; the calling thread runs the first part. Runs body(0,
 * count) on the calling thread alone when one part suffices, when called from inside a parallel
 * region (no nesting), or while another thread (a second Node environment) holds the pool.
 * Returns after every part has finished.
 */
void parallelFor(int64_t count, int64_t minPerPart, const std::function<void(int64_t, int64_t)>& body);

}  // namespace normfree
