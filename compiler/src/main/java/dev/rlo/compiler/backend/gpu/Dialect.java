package dev.rlo.compiler.backend.gpu;

import dev.rlo.compiler.types.DType;

/**
 * The two C dialects a kernel plan renders to. The kernels' bodies are the same C text in both;
 * what differs is spelled here: how a kernel and a global pointer are declared, a work item's
 * index, 64-bit integers, atomics, and the constants NVRTC has no header for ({@link CTarget} asks it
 * whether the f32 math functions take CUDA's f suffix).
 */
public enum Dialect {
    OPENCL, CUDA;

    /** The qualifiers before a kernel's return type. */
    String kernel() {
        return this == OPENCL ? "__kernel" : "extern \"C\" __global__";
    }

    /** A kernel parameter pointing at device memory holding {@code type}. */
    String global(String type) {
        return this == OPENCL ? "__global " + type + "*" : type + "* __restrict__";
    }

    /** This work item's index and the number of work items, as 64-bit integers. */
    String workItem() {
        return this == OPENCL ? "(rlo_i64) get_global_id(0)" : "(rlo_i64) blockIdx.x * blockDim.x + threadIdx.x";
    }

    /** The C type of a buffer element of {@code d} in memory. */
    String storage(DType d) {
        return switch (d) {
            case F32 -> "float";
            case F64 -> "double";
            case I32 -> "int";
            case BOOL -> "rlo_u8";
        };
    }

    /** The file extension of a program in this dialect. */
    public String extension() {
        return this == OPENCL ? "cl" : "cu";
    }

    /** The definitions that differ between the dialects, first in every program. */
    String definitions() {
        return this == OPENCL ? """
                #pragma OPENCL EXTENSION cl_khr_fp64 : enable
                typedef long rlo_i64;
                typedef uchar rlo_u8;
                #define RLO_GLOBAL __global
                #define RLO_INF_F INFINITY
                #define RLO_NAN_F NAN
                #define RLO_INF_D ((double) INFINITY)
                #define RLO_NAN_D ((double) NAN)
                #define RLO_FN static inline
                #define RLO_CLAIM(err, code) atomic_cmpxchg((volatile __global int*) (err), 0, (code))
                """ : """
                typedef long long rlo_i64;
                typedef unsigned char rlo_u8;
                #define RLO_GLOBAL
                #define RLO_INF_F __int_as_float(0x7f800000)
                #define RLO_NAN_F __int_as_float(0x7fffffff)
                #define RLO_INF_D __longlong_as_double(0x7ff0000000000000LL)
                #define RLO_NAN_D __longlong_as_double(0x7ff8000000000000LL)
                #define RLO_FN __device__ inline
                #define RLO_CLAIM(err, code) atomicCAS((err), 0, (code))
                """;
    }
}
