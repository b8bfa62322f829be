package dev.rlo.compiler.backend.cpu;

import dev.rlo.compiler.fuse.Kernel;
import dev.rlo.compiler.fuse.KernelPlan;

/** The Vector API rendering of a Loop kernel (see {@link #supports}). */
final class VectorLoopSource extends LoopSource {

    VectorLoopSource(KernelPlan plan, Kernel.Loop k, StringBuilder out) {
        super(plan, k, out);
    }

    /** Whether this kernel can be vectorised; being written: none yet. */
    static boolean supports(KernelPlan plan, Kernel.Loop k) {
        return false;
    }
}
