package dev.rlo.compiler.backend.cpu;

import java.lang.foreign.MemorySegment;

/**
 * What a generated plan class implements: run one kernel, one phase, one part of it. Buffers and
 * their f64 reduction scratch are indexed by buffer id; {@code n} holds the dimension sizes in
 * {@link CpuPlan#dims} order.
 */
public abstract class PlanCode {

    /**
     * Runs {@code kernel} (phase {@code phase}, or all phases for a Loop with outer dimensions) on
     * part {@code part}, in {@code locals}' arrays: that part's own.
     */
    public abstract void run(int kernel, int phase, MemorySegment[] b, MemorySegment[] aux, long[] n, int part, int parts, Locals locals);
}
