"""A stand-in for CuPy that runs CUDA kernels on the CPU, for testing rlo's generated modules
where no GPU exists: arrays are NumPy arrays, and RawModule compiles the CUDA C source with g++
after a header that defines what NVRTC provides (blockIdx, __global__, atomicCAS, ...). Threads run
one after another, in order: a valid schedule for rlo's kernels, which never share what they write."""
import ctypes
import hashlib
import os
import pathlib
import subprocess
import tempfile

import numpy as np

int32, int64, float64, uint8 = np.int32, np.int64, np.float64, np.uint8

_HEADER = r"""
#include <math.h>
#include <string.h>
struct rlo_dim3 { unsigned int x, y, z; };
static rlo_dim3 blockIdx, blockDim, threadIdx;
#define __global__
#define __device__
#define __restrict__ __restrict
static inline float __int_as_float(int i) { float f; memcpy(&f, &i, 4); return f; }
static inline double __longlong_as_double(long long i) { double d; memcpy(&d, &i, 8); return d; }
static inline int atomicCAS(int* p, int expected, int value) { int old = *p; if (old == expected) *p = value; return old; }
extern "C" void rlo_emulation_thread(unsigned int block, unsigned int threads, unsigned int thread) {
    blockIdx.x = block; blockDim.x = threads; threadIdx.x = thread;
}
"""


class _Device:
    attributes = {"MultiProcessorCount": 2}


class cuda:
    Device = _Device


class ndarray(np.ndarray):
    def get(self):
        return np.asarray(self)


def _wrap(a):
    return np.asarray(a).view(ndarray)


def asarray(a, dtype=None):
    return _wrap(np.asarray(a, dtype=dtype))


def ascontiguousarray(a, dtype=None):
    return _wrap(np.ascontiguousarray(a, dtype=dtype))


def isfinite(a):
    return np.isfinite(a)


def zeros(shape, dtype=float):
    return _wrap(np.zeros(shape, dtype=dtype))


def empty(shape, dtype=float):
    # filled with NaN-like garbage on purpose: kernels must not read what they did not write
    a = np.empty(shape, dtype=dtype)
    a.reshape(-1).view(np.uint8)[...] = 0xFF
    return _wrap(a)


class RawModule:
    def __init__(self, code, options=()):
        digest = hashlib.sha256(code.encode()).hexdigest()[:16]
        out = pathlib.Path(tempfile.gettempdir()) / f"rlo-cupy-emulation-{digest}.so"
        if not out.exists():
            src = out.with_suffix(".cpp")
            src.write_text(_HEADER + code)
            subprocess.run(["g++", "-O1", "-shared", "-fPIC", "-w", "-o", str(out) + ".tmp", str(src)], check=True)
            os.replace(str(out) + ".tmp", out)
        self._lib = ctypes.CDLL(str(out))

    def get_function(self, name):
        return _Kernel(self._lib, getattr(self._lib, name))


class _Kernel:
    def __init__(self, lib, f):
        self._lib, self._f = lib, f

    def __call__(self, grid, block, args):
        c_args = []
        for a in args:
            if isinstance(a, np.ndarray):
                c_args.append(ctypes.c_void_p(a.ctypes.data))
            elif isinstance(a, np.int64):
                c_args.append(ctypes.c_longlong(int(a)))
            elif isinstance(a, float):
                c_args.append(ctypes.c_double(a))
            else:
                c_args.append(ctypes.c_int(int(a)))
        for b in range(grid[0]):
            for t in range(block[0]):
                self._lib.rlo_emulation_thread(b, block[0], t)
                self._f(*c_args)
