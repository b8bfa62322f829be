package dev.rlo.compiler.backend.gpu;

import dev.rlo.compiler.backend.Values;
import dev.rlo.compiler.fuse.Buffer;
import dev.rlo.compiler.fuse.Kernel;
import dev.rlo.compiler.ir.Attrs;
import dev.rlo.compiler.ir.Node;
import dev.rlo.compiler.types.TensorType;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A scan aₜ = xₜ + cₜ·aₜ∓₁ over a long dimension with few lanes, in parallel over time too: the
 * recurrence is associative in (c, x), so the steps are cut into chunks of {@link GpuProgram#SCAN_CHUNK}.
 * <ol>
 * <li>{@code k<id>_c0}, a work item per (lane, chunk): the chunk's scan from a zero carry, stored
 *     in the output, and its summary — Π c and the last value — in f64 scratch;</li>
 * <li>{@code k<id>_c1}, a work item per lane: walks the summaries in order, leaving in each the
 *     carry into that chunk (the value at the end of the chunk before);</li>
 * <li>{@code k<id>_c2}, a work item per (lane, chunk after the first): adds carry · Π c up to each
 *     step to the stored values.</li>
 * </ol>
 * Results differ from the sequential scan only by rounding (the correction is summed in f64).
 */
final class ScanChunks {

    private final CTarget c;
    private final Buffer b;
    private final Node n;
    private final Attrs.Scan s;
    private final List<String> lanes;

    ScanChunks(CTarget c, Kernel.Scan k) {
        this.c = c;
        this.b = k.output();
        this.n = b.node();
        this.s = n.attrs(Attrs.Scan.class);
        this.lanes = TensorType.minus(n.type().dims(), List.of(s.dim()));
    }

    /** Opens the loop over (lane, chunk) pairs, declaring the lane's indices, the chunk and its steps' range. */
    private StringBuilder pairs(boolean skipFirst) {
        StringBuilder out = new StringBuilder();
        String size = c.size(s.dim());
        out.append("    const rlo_i64 lanes = ").append(c.volume(lanes)).append(";\n");
        out.append("    const rlo_i64 chunks = (").append(size).append(" + ").append(GpuProgram.SCAN_CHUNK - 1).append(") / ")
                .append(GpuProgram.SCAN_CHUNK).append(";\n");
        out.append("    for (rlo_i64 w = part; w < lanes * chunks; w += items) {\n");
        out.append("        const rlo_i64 lane = w / chunks;\n");
        out.append("        const rlo_i64 chunk = w % chunks;\n");
        if (skipFirst) {
            out.append("        if (chunk == 0) {\n            continue;\n        }\n");
        }
        c.decompose(out, lanes, "lane", "        ");
        out.append("        const rlo_i64 from = chunk * ").append(GpuProgram.SCAN_CHUNK).append(";\n");
        out.append("        const rlo_i64 to = from + ").append(GpuProgram.SCAN_CHUNK).append(" < ").append(size).append(" ? from + ")
                .append(GpuProgram.SCAN_CHUNK).append(" : ").append(size).append(";\n");
        return out;
    }

    /** Inside a pair's loop: the step u's position along the scanned dimension. */
    private void step(StringBuilder out) {
        String size = c.size(s.dim());
        out.append("        for (rlo_i64 u = from; u < to; u++) {\n");
        out.append("            const rlo_i64 ").append(CTarget.index(s.dim())).append(" = ").append(s.reverse() ? size + " - 1 - u" : "u")
                .append(";\n");
    }

    String local() {
        StringBuilder out = pairs(false);
        out.append("        ").append(c.type(b.type().dtype())).append(" a = 0;\n");
        out.append("        double prod = 1.0;\n");
        step(out);
        Map<String, String> ix = CTarget.indexOf(n.type().dims());
        String in = "            ";
        Values memo = c.values(out, in).computeInline(Set.of(n));
        String x = memo.value(n.in(0), ix).expr();
        String coef = memo.value(n.in(1), ix).expr();
        out.append(in).append("a = ").append(x).append(" + ").append(coef).append(" * a;\n");
        out.append(in).append("prod *= (double) ").append(coef).append(";\n");
        out.append(in).append(c.store(b, c.offset(b.type().dims(), ix), "a")).append('\n');
        out.append("        }\n");
        out.append("        aux").append(b.id()).append("[w * 2] = prod;\n");
        out.append("        aux").append(b.id()).append("[w * 2 + 1] = (double) a;\n");
        out.append("    }\n");
        return out.toString();
    }

    String carries() {
        String aux = "aux" + b.id();
        return "    const rlo_i64 lanes = " + c.volume(lanes) + ";\n"
                + "    const rlo_i64 chunks = (" + c.size(s.dim()) + " + " + (GpuProgram.SCAN_CHUNK - 1) + ") / " + GpuProgram.SCAN_CHUNK + ";\n"
                + "    for (rlo_i64 lane = part; lane < lanes; lane += items) {\n"
                + "        double carry = 0.0;\n"
                + "        for (rlo_i64 w = lane * chunks; w < (lane + 1) * chunks; w++) {\n"
                + "            const double prod = " + aux + "[w * 2];\n"
                + "            const double last = " + aux + "[w * 2 + 1];\n"
                + "            " + aux + "[w * 2] = carry;\n"
                + "            carry = last + prod * carry;\n"
                + "        }\n"
                + "    }\n";
    }

    String apply() {
        StringBuilder out = pairs(true);
        out.append("        const double carry = aux").append(b.id()).append("[w * 2];\n");
        out.append("        double prod = 1.0;\n");
        step(out);
        Map<String, String> ix = CTarget.indexOf(n.type().dims());
        String in = "            ";
        String coef = c.values(out, in).computeInline(Set.of(n)).value(n.in(1), ix).expr();
        String at = "b" + b.id() + "[" + c.offset(b.type().dims(), ix) + "]";
        out.append(in).append("prod *= (double) ").append(coef).append(";\n");
        out.append(in).append(at).append(" = (").append(c.type(b.type().dtype())).append(") ((double) ").append(at)
                .append(" + prod * carry);\n");
        out.append("        }\n");
        out.append("    }\n");
        return out.toString();
    }
}
