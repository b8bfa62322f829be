package dev.rlo.compiler.fuse;

import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.Node;
import java.util.List;
import java.util.Map;

/**
 * What a fused backend runs: the graph's values assigned to buffers and the kernels that fill them,
 * in order ({@code rlo compile --emit plan}). Every node of the graph that is not a buffer is
 * computed inside each kernel that needs it.
 */
public record KernelPlan(Graph graph, List<Buffer> buffers, Map<Node, Buffer> bufferOf, List<Kernel> kernels) {

    public Buffer buffer(Node n) {
        return bufferOf.get(n);
    }

    public boolean isBuffer(Node n) {
        return bufferOf.containsKey(n);
    }

    /** Whether {@code b} is read from memory after kernel {@code k} has written it: by another kernel, or as an output. */
    public boolean readBeyond(Buffer b, Kernel k) {
        return graph.outputs().containsValue(b.node()) || kernels.stream().anyMatch(
                other -> other != k && other.writes().stream().anyMatch(w -> FusePass.reads(bufferOf, w.node()).contains(b)));
    }

    /** Every dimension the plan mentions, in a fixed order: how generated code numbers them. */
    public List<String> dims() {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        graph.inputs().forEach(i -> out.addAll(i.type().dims()));
        graph.renames().forEach(r -> out.add(r.to()));
        for (Node n : graph.nodes()) {
            out.addAll(n.type().dims());
        }
        return List.copyOf(out);
    }

    /** The graph's gathers, in a fixed order: how kernels name the one whose index was out of range. */
    public List<Node> gathers() {
        return graph.nodes().stream().filter(n -> n.op() == dev.rlo.compiler.ir.Op.GATHER).toList();
    }

    /** The number of passes over data: one per phase of a Loop with no outer dims, one per other kernel. */
    public int passes() {
        int n = 0;
        for (Kernel k : kernels) {
            n += k instanceof Kernel.Loop l ? (l.outer() == 0 ? l.phases().size() : 1) : 1;
        }
        return n;
    }
}
