package dev.rlo.compiler.backend.cpu;

/**
 * How a kernel's sums along short rows in tiles are written (spec/ir.md#paired-sums), and with
 * them its block's rows (spec/ir.md#last-by-rows) and tiles, from the fastest to the shortest code:
 * a kernel whose method comes out longer than HotSpot compiles is written again one form plainer
 * ({@link KernelCompiler#body}). INLINE, HELD and PAIRED give the same bits; TERMS adds every term
 * in f64.
 */
enum SumForm {
    /**
     * HELD, and a block's square tiles of 16 × 16 transposed in the kernel's own method rather than
     * by a call to the class's {@code in16} (spec/ir.md#short-rows): GRPO's kernel at 62464×16 took
     * 188–206 µs against 234–270 on one thread (docs/benchmarks.md).
     */
    INLINE,
    /** Terms paired in f32 by blocks of 8; where a row is one or two blocks, its blocks held in f32. */
    HELD,
    /** Terms paired in f32 by blocks of 8, each block added to f64 lanes. */
    PAIRED,
    /** Term by term into f64 lanes; a block's rows in one loop (none of their own for rows a vector long). */
    TERMS;

    /** The next plainer form; TERMS is the plainest. */
    SumForm plainer() {
        return this == TERMS ? TERMS : values()[ordinal() + 1];
    }

    /** Whether rows of one or two blocks hold their block sums in f32. */
    boolean held() {
        return this == INLINE || this == HELD;
    }
}
