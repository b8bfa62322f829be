package dev.rlo.compiler.backend.cpu;

/**
 * How a kernel's sums along short rows in tiles are written (spec/ir.md#paired-sums), and with
 * them its block's rows (spec/ir.md#last-by-rows), from the fastest to the shortest code: a kernel
 * whose method comes out longer than HotSpot compiles is written again one form plainer
 * ({@link KernelCompiler#body}). HELD and PAIRED give the same bits; TERMS adds every term in f64.
 */
enum SumForm {
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
}
