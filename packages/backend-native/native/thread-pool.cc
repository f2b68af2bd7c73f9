// A fork-join thread pool for the native kernels: workers live as long as the pool (joined by
// stopThreads, which the addon's env cleanup hook calls), and a parallel region hands each worker one
// contiguous part of an index range.
//
// Why spinning: a training step calls the kernels hundreds of times, a few microseconds to a few
// milliseconds each. Waking a thread blocked on a condition variable costs tens of microseconds on a
// VM, more than many of those calls; so an idle worker spins (with `pause`) for kSpinMicroseconds
// before it blocks, and so does the caller waiting for the workers. Between kernels the JavaScript
// thread's own work is usually shorter than the spin, so the worker is still awake for the next one.
#include "thread-pool.h"

#include "simd.h"
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace normfree {

namespace {

constexpr int kMaxThreads = 256;
constexpr int64_t kSpinMicroseconds = 200;

/** True on pool workers and on a caller inside a region: a nested parallelFor runs serially. */
thread_local bool tInsideRegion = false;

class ThreadPool {
 public:
  int size() const { return size_; }
  uint64_t regions() const { return regions_.load(std::memory_order_relaxed); }

  void resize(int count) {
    std::lock_guard<std::mutex> dispatch(dispatch_);
    stopLocked();
    size_ = std::clamp(count, 1, kMaxThreads);
  }

  void stop() {
    std::lock_guard<std::mutex> dispatch(dispatch_);
    stopLocked();
  }

  void run(int64_t count, int64_t minPerPart, const std::function<void(int64_t, int64_t)>& body) {
    const int64_t most = std::max<int64_t>(1, count / std::max<int64_t>(1, minPerPart));
    const int parts = static_cast<int>(std::min<int64_t>(size_, most));
    if (parts <= 1 || tInsideRegion) return body(0, count);
    std::unique_lock<std::mutex> dispatch(dispatch_, std::try_to_lock);
    if (!dispatch.owns_lock()) return body(0, count);  // another environment's thread holds the pool
    if (static_cast<int>(workers_.size()) + 1 < size_) startLocked();
    count_ = count;
    parts_ = parts;
    body_ = &body;
    regions_.fetch_add(1, std::memory_order_relaxed);
    // Every worker acknowledges every region, taking part or not, so none can lag into the next one.
    pending_.store(static_cast<int>(workers_.size()), std::memory_order_relaxed);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    tInsideRegion = true;
    body(0, partEnd(0));
    tInsideRegion = false;
    // Wait for the workers: spin first (most parts end within microseconds of ours), then block.
    if (!spinUntil([&] { return pending_.load(std::memory_order_acquire) == 0; })) {
      std::unique_lock<std::mutex> lock(mutex_);
      done_.wait(lock, [&] { return pending_.load(std::memory_order_acquire) == 0; });
    }
    body_ = nullptr;
  }

 private:
  int64_t partEnd(int part) const { return count_ * (part + 1) / parts_; }

  template <typename Predicate>
  static bool spinUntil(Predicate ready) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::microseconds(kSpinMicroseconds);
    for (int round = 0;; ++round) {
      if (ready()) return true;
      cpuRelax();
      if ((round & 255) == 255 && std::chrono::steady_clock::now() > deadline) return ready();
    }
  }

  void startLocked() {
    stopping_ = false;
    // The generation a new worker waits past is read here, before the region that started it is published.
    const uint64_t current = generation_.load(std::memory_order_acquire);
    for (int index = static_cast<int>(workers_.size()) + 1; index < size_; ++index) {
      workers_.emplace_back([this, index, current] { work(index, current); });
    }
  }

  void stopLocked() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    for (std::thread& worker : workers_) worker.join();
    workers_.clear();
    stopping_ = false;
  }

  void work(int index, uint64_t seen) {
    tInsideRegion = true;
    for (;;) {
      if (!spinUntil([&] { return generation_.load(std::memory_order_acquire) != seen; })) {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return generation_.load(std::memory_order_acquire) != seen; });
      }
      seen = generation_.load(std::memory_order_acquire);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_) return;
      }
      if (index < parts_) (*body_)(partEnd(index - 1), partEnd(index));  // else: fewer parts than threads
      if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        std::lock_guard<std::mutex> lock(mutex_);
        done_.notify_one();
      }
    }
  }

  int size_ = 1;
  std::vector<std::thread> workers_;
  std::mutex dispatch_;  // one region (or resize) at a time
  std::mutex mutex_;     // guards the sleeping side of generation_ / pending_, and stopping_
  std::condition_variable wake_;
  std::condition_variable done_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> pending_{0};
  std::atomic<uint64_t> regions_{0};
  bool stopping_ = false;
  // The current region, written by the caller before generation_ is bumped (release) and read by the
  // workers after they see the new generation (acquire).
  const std::function<void(int64_t, int64_t)>* body_ = nullptr;
  int64_t count_ = 0;
  int parts_ = 1;
};

// Never destroyed: a static destructor would run at exit() and could meet joinable threads
// (std::terminate). Workers are joined by stopThreads (the env cleanup hook) or end with the process.
ThreadPool& pool() {
  static ThreadPool* instance = [] {
    auto* created = new ThreadPool();
    created->resize(availableCores());
    return created;
  }();
  return *instance;
}

}  // namespace

int availableCores() {
#ifdef __linux__
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(1, CPU_COUNT(&set));
#endif
  return std::max(1u, std::thread::hardware_concurrency());
}

int threadCount() { return pool().size(); }

void setThreadCount(int count) { pool().resize(count); }

void stopThreads() { pool().stop(); }

uint64_t parallelRegions() { return pool().regions(); }

void parallelFor(int64_t count, int64_t minPerPart, const std::function<void(int64_t, int64_t)>& body) {
  if (count <= 0) return;
  pool().run(count, minPerPart, body);
}

}  // namespace normfree
