package dev.rlo.compiler.fuse;

import dev.rlo.compiler.ir.Node;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The readable form of a plan ({@code rlo compile --emit plan}): its buffers, then its kernels in
 * order, each with its space and what each phase writes.
 * <pre>
 * plan ppo_clip: 1 kernel, 1 pass over the data
 *   $3 loss          = mean : f32
 *   kernel 0: loop [B]
 *     phase 0 writes $3 loss, $4 report clip_fraction, $6 grad logp
 * </pre>
 */
public final class PlanPrinter {

    private PlanPrinter() { }

    public static String print(KernelPlan plan) {
        Map<Node, String> roles = new IdentityHashMap<>();
        plan.graph().outputs().forEach((o, n) -> roles.merge(n, o.label(), (a, b) -> a + ", " + b));
        int kernels = plan.kernels().size();
        int passes = plan.passes();
        StringBuilder out = new StringBuilder("plan " + plan.graph().name() + ": " + kernels + (kernels == 1 ? " kernel, " : " kernels, ")
                + passes + (passes == 1 ? " pass" : " passes") + " over the data\n");
        for (Buffer b : plan.buffers()) {
            String role = roles.getOrDefault(b.node(), "");
            out.append("  ").append(b).append(' ').append(b.node().op().label())
                    .append(role.isEmpty() ? "" : " -> " + role).append(" : ").append(b.type()).append('\n');
        }
        for (Kernel k : plan.kernels()) {
            out.append("  kernel ").append(k.id()).append(": ").append(describe(k)).append('\n');
            if (k instanceof Kernel.Loop l) {
                for (int p = 0; p < l.phases().size(); p++) {
                    out.append("    phase ").append(p).append(" writes ").append(names(l.phases().get(p).outputs())).append('\n');
                }
            }
        }
        return out.toString();
    }

    private static String describe(Kernel k) {
        return switch (k) {
            case Kernel.Loop l -> "loop " + (l.outer() == 0 ? "[" + String.join(",", l.space()) + "]"
                    : "[" + String.join(",", l.outerDims()) + "] then [" + String.join(",", l.innerDims()) + "] per phase");
            case Kernel.Scan s -> "scan " + s.output().node().attrs() + " -> " + s.output();
            case Kernel.Argsort a -> "argsort " + a.output().node().attrs() + " of " + a.input() + " -> " + a.output();
            case Kernel.Scatter s -> "scatter_add " + s.output().node().attrs() + " -> " + s.output();
        };
    }

    private static String names(List<Buffer> buffers) {
        return buffers.stream().map(Buffer::toString).collect(Collectors.joining(", "));
    }

}
