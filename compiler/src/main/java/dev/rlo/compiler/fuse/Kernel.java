package dev.rlo.compiler.fuse;

import dev.rlo.compiler.ir.Node;
import java.util.List;

/**
 * One step of a {@link KernelPlan}. A {@link Loop} evaluates fused element-wise work and reductions
 * over an iteration space; the others are the kernel boundaries of spec/ir.md — a scan, a sort, a
 * scatter — each with its element-wise inputs fused in.
 */
public sealed interface Kernel {

    int id();

    /** The buffers the kernel writes. */
    List<Buffer> writes();

    /**
     * Fused work over {@code space} (outermost first): {@code outer} dimensions are looped once;
     * each phase then loops over the rest, so that a reduction finished in one phase (over inner
     * dimensions only) can be used by the next — a group's mean, then its normalised values. With
     * no outer dimensions, each phase is a pass over the data.
     */
    record Loop(int id, List<String> space, int outer, List<Phase> phases) implements Kernel {
        @Override
        public List<Buffer> writes() {
            return phases.stream().flatMap(p -> p.outputs().stream()).toList();
        }

        public List<String> outerDims() {
            return space.subList(0, outer);
        }

        public List<String> innerDims() {
            return space.subList(outer, space.size());
        }
    }

    /**
     * One loop over a Loop's inner dimensions: the buffers it stores (element-wise) or reduces into;
     * or the sort of each row, an argsort's buffer alone.
     */
    record Phase(List<Buffer> outputs) { }

    /** A SCAN node: sequential along its dimension, parallel over the others; x and decay fused in. */
    record Scan(int id, Buffer output) implements Kernel {
        @Override
        public List<Buffer> writes() {
            return List.of(output);
        }
    }

    /** An ARGSORT node: sorts each lane of a buffer. */
    record Argsort(int id, Buffer output, Buffer input) implements Kernel {
        @Override
        public List<Buffer> writes() {
            return List.of(output);
        }
    }

    /** A SCATTER_ADD node: its input and index fused in, accumulated into a zeroed buffer. */
    record Scatter(int id, Buffer output) implements Kernel {
        @Override
        public List<Buffer> writes() {
            return List.of(output);
        }
    }

    /** {@code k} as kernel {@code id}. */
    static Kernel numbered(Kernel k, int id) {
        return switch (k) {
            case Loop l -> new Loop(id, l.space(), l.outer(), l.phases());
            case Scan s -> new Scan(id, s.output());
            case Argsort a -> new Argsort(id, a.output(), a.input());
            case Scatter s -> new Scatter(id, s.output());
        };
    }

    /** The IR node a single-output kernel computes. */
    static Node node(Kernel k) {
        return k.writes().getFirst().node();
    }
}
