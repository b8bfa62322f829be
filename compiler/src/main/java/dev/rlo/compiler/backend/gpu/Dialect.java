package dev.rlo.compiler.backend.gpu;

import dev.rlo.compiler.fuse.Reduction;
import dev.rlo.compiler.types.DType;

/**
 * The two C dialects a kernel plan renders to. The kernels' bodies are the same C text in both;
 * what differs is spelled here: how a kernel and a global pointer are declared, a work item's
 * index, 64-bit integers, atomics, and the constants NVRTC has no header for.
 */
public enum Dialect implements Reduction.Spelling {
    OPENCL, CUDA;

    @Override
    public String constant() {
        return "const double";
    }

    @Override
    public String f64(double v) {
        return Double.isNaN(v) ? "RLO_NAN_D" : Double.isInfinite(v) ? (v > 0 ? "RLO_INF_D" : "-RLO_INF_D") : v == 1e300 ? "1e300" : Double.toString(v);
    }

    @Override
    public String max(String a, String b) {
        return "rlo_max_d(" + a + ", " + b + ")";
    }

    @Override
    public String min(String a, String b) {
        return "rlo_min_d(" + a + ", " + b + ")";
    }

    @Override
    public String isNan(String x) {
        return "RLO_ISNAN(" + x + ")";
    }

    @Override
    public String exp(String x) {
        return "exp(" + x + ")";
    }

    @Override
    public String log(String x) {
        return "log(" + x + ")";
    }

    @Override
    public String total(String s, String c) {
        return "rlo_total(" + s + ", " + c + ")";
    }

    @Override
    public String mean(String s, String c, String n) {
        return "rlo_mean(" + s + ", " + c + ", " + n + ")";
    }

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

    /** The C type of a value of {@code d} in registers (booleans are ints, 0 or 1). */
    static String value(DType d) {
        return switch (d) {
            case F32 -> "float";
            case F64 -> "double";
            case I32, BOOL -> "int";
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
