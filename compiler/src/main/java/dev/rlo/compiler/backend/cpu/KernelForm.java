package dev.rlo.compiler.backend.cpu;

/**
 * How a kernel's path for rows across lanes is written, from the fastest to the shortest code: its
 * square tiles and sorts of 16 written out or called, its sums along short rows held, paired or
 * term by term (spec/ir.md#paired-sums), and with them its block's rows (spec/ir.md#last-by-rows).
 * A kernel whose method comes out longer than HotSpot compiles is written again one form plainer
 * ({@link KernelCompiler#body}). Every form but TERMS gives the same bits; TERMS adds every term in
 * f64.
 */
enum KernelForm {
    /**
     * TILES, and a sort by value of rows of 16 written out in the kernel's method too, not called:
     * QAE's kernel at 62464×16 took 237–240 µs against 272 on one thread (docs/benchmarks.md).
     */
    INLINE,
    /**
     * HELD, and a block's square tile of 16 × 16 transposed in the kernel's method rather than by a
     * call to the class's {@code in16} (spec/ir.md#short-rows): each call converted the permutes'
     * index vectors again and saved every live register around it. GRPO's kernel at 62500×16 took
     * 201–204 µs against 233–257 on one thread (docs/benchmarks.md).
     */
    TILES,
    /** Terms paired in f32 by blocks of 8; where a row is one or two blocks, its blocks held in f32. */
    HELD,
    /** Terms paired in f32 by blocks of 8, each block added to f64 lanes. */
    PAIRED,
    /** Term by term into f64 lanes; a block's rows in one loop (none of their own for rows a vector long). */
    TERMS;

    /** The next plainer form; TERMS is the plainest. */
    KernelForm plainer() {
        return this == TERMS ? TERMS : values()[ordinal() + 1];
    }

    /** Whether rows of one or two blocks hold their block sums in f32. */
    boolean held() {
        return ordinal() <= HELD.ordinal();
    }

    /** Whether a block's square tiles of 16 are transposed in the kernel's method. */
    boolean tilesWrittenOut() {
        return ordinal() <= TILES.ordinal();
    }
}
