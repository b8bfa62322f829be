package dev.rlo.compiler.backend.cpu;

import java.lang.foreign.MemorySegment;

/**
 * What a generated plan class implements: run one kernel, one phase, one part of it. Buffers and
 * their f64 reduction scratch are indexed by buffer id; {@code n} holds the dimension sizes in
 * {@link CpuPlan#dims} order.
 */
public abstract class PlanCode {

    /**
     * The class of the segments kernels are given: rlo's buffers are native memory (ND4J's arrays
     * seen at their address, {@link Workspace}'s). Generated code casts every segment it is given
     * to it. A Vector API load or store, and a scalar access, reach calls on the segment inside the
     * JDK ({@code unsafeGetBase}, …) whose type profile every caller in the JVM shares; the Vector
     * API's own fallback for a reinterpretation, run wherever a kernel is still interpreted, adds
     * byte-array segments to it. Where that profile was mostly byte arrays, C2 compiled a kernel's
     * loads for either kind of base, unknown, and GRPO's kernel took 42% longer (610 against 430
     * µs a call, docs/benchmarks.md); cast, the segment's class is known where the call is and
     * C2 binds it without the profile (417 µs with the profile polluted).
     */
    @SuppressWarnings("unchecked")
    protected static final Class<MemorySegment> NATIVE = (Class<MemorySegment>) MemorySegment.NULL.getClass();

    /**
     * Runs {@code kernel} (phase {@code phase}, or all phases for a Loop with outer dimensions) on
     * part {@code part}, in {@code locals}' arrays: that part's own.
     */
    public abstract void run(int kernel, int phase, MemorySegment[] b, MemorySegment[] aux, long[] n, int part, int parts, Locals locals);
}
