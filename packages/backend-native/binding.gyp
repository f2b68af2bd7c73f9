{
  "targets": [
    {
      "target_name": "normfree_native",
      "sources": ["native/addon.cc", "native/gemm.cc", "native/kernels.cc", "native/thread-pool.cc"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-O3", "-std=c++17", "-fno-math-errno", "-funroll-loops"],
      "cflags!": ["-O2"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
