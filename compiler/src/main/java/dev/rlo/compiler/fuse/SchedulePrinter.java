package dev.rlo.compiler.fuse;

import dev.rlo.compiler.ir.Attrs;
import dev.rlo.compiler.ir.Node;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The readable form of a schedule ({@code rlo compile --emit schedule}): its steps in launch order;
 * for each launch its loops, the dimensions it runs in parallel over, the scratch it fills, and
 * where each reduction accumulates and is finished.
 * <pre>
 * schedule grpo_surrogate: 3 launches, 1 finishing step
 *   launch k0: loop [G] then [K] per phase, parallel over [G]
 *     scratch $4 mean: 2 slots from (0.0, 0.0), a slice per part
 *     phase 0
 *       $2 mean over [K]: in locals, finished in the row
 *   ...
 * </pre>
 */
public final class SchedulePrinter {

    private SchedulePrinter() { }

    public static String print(Schedule schedule) {
        long launches = schedule.steps().stream().filter(s -> s instanceof Schedule.Launch).count();
        long finishes = schedule.steps().size() - launches;
        StringBuilder out = new StringBuilder("schedule " + schedule.plan().graph().name() + ": " + launches
                + (launches == 1 ? " launch, " : " launches, ") + finishes + (finishes == 1 ? " finishing step\n" : " finishing steps\n"));
        for (Schedule.Step step : schedule.steps()) {
            switch (step) {
                case Schedule.Launch l -> launch(l, out);
                case Schedule.Finish f -> out.append("  finish ").append(f.name()).append(": ").append(label(f.reduce().buffer()))
                        .append(f.reduce().partial() ? ", its slices merged in part order\n" : "\n");
            }
        }
        return out.toString();
    }

    private static void launch(Schedule.Launch l, StringBuilder out) {
        out.append("  launch ").append(l.name()).append(": ").append(kernel(l)).append(", ")
                .append(l.lanes().isEmpty() ? "on one part" : "parallel over " + dims(l.lanes())).append('\n');
        for (Schedule.Reduce r : l.scratch()) {
            String slots = Arrays.stream(r.reduction().identity()).mapToObj(Double::toString).collect(Collectors.joining(", "));
            out.append("    scratch ").append(label(r.buffer())).append(": ").append(r.reduction().slots()).append(" slots from (")
                    .append(slots).append(")").append(r.partial() ? ", a slice per part" : "").append('\n');
        }
        if (l.nest() == null) {
            return;
        }
        for (Schedule.Phase p : l.nest().phases()) {
            out.append("    phase ").append(p.index()).append('\n');
            for (Schedule.Output o : p.outputs()) {
                out.append("      ").append(label(o.buffer()));
                if (o instanceof Schedule.Sort s) {
                    out.append(" ").append(s.attrs()).append(" of each row of ").append(s.input()).append(s.readAfter() ? ", read after the loop" : "");
                } else if (o instanceof Schedule.Reduce r) {
                    out.append(" over ").append(dims(r.reduced())).append(": ").append(r.local() ? r.finished() == Schedule.Finished.ROW ? "in locals" : "in locals then scratch" : "in scratch").append(", ")
                            .append(switch (r.finished()) {
                                case ROW -> "finished in the row";
                                case KERNEL -> "finished in the kernel per outer index";
                                case STEP -> "finished by f" + r.buffer().id();
                            });
                } else {
                    out.append(" stored");
                }
                out.append('\n');
            }
        }
    }

    private static String kernel(Schedule.Launch l) {
        Node n = Kernel.node(l.kernel());
        return switch (l.kernel()) {
            case Kernel.Loop k -> (l.nest().outer().isEmpty() ? "loop " + dims(l.nest().inner())
                    : "loop " + dims(l.nest().outer()) + " then " + dims(l.nest().inner()) + " per phase")
                    + (l.nest().lanesAcross().isEmpty() ? "" : " (short rows may run across lanes of " + String.join(", else of ", l.nest().lanesAcross()) + ")");
            case Kernel.Scan s -> "scan " + n.attrs() + " into " + s.output();
            case Kernel.Argsort a -> "argsort " + n.attrs() + " of " + a.input() + " into " + a.output();
            case Kernel.Scatter s -> "scatter_add " + dims(l.points()) + " along " + n.attrs(Attrs.Scatter.class).dim()
                    + " into " + s.output();
        };
    }

    private static String label(Buffer b) {
        return b + " " + b.node().op().label();
    }

    private static String dims(List<String> dims) {
        return "[" + String.join(",", dims) + "]";
    }
}
