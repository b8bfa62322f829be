package dev.rlo.compiler.fuse;

import dev.rlo.compiler.ir.Node;
import dev.rlo.compiler.types.TensorType;

/**
 * A tensor that lives in memory between kernels: a graph input, an output, a reduction's result, or
 * a value that a gather, shift or sort reads at other positions than its own. Row-major over its
 * node's dimensions. Every other value is computed inside the kernel that needs it, in registers.
 *
 * @param id   its index in {@link KernelPlan#buffers()}
 * @param node the IR node whose value it holds
 */
public record Buffer(int id, Node node) {

    public TensorType type() {
        return node.type();
    }

    @Override
    public String toString() {
        return "$" + id;
    }
}
