package dev.rlo.compiler.backend.python;

import dev.rlo.compiler.ir.Attrs;
import dev.rlo.compiler.ir.Node;
import dev.rlo.compiler.types.DType;
import java.util.stream.Collectors;

/**
 * PyTorch: values are tensors on the inputs' device; an objective is a {@code torch.autograd.Function}
 * whose forward runs the body (loss, reports and rlo's gradients) and whose backward scales the
 * saved gradients; a fn is plain torch ops, which torch's autograd differentiates.
 */
final class TorchDialect extends ArrayDialect {

    @Override
    String name() {
        return "torch";
    }

    @Override
    String title() {
        return "PyTorch";
    }

    @Override
    String imports() {
        return "import torch\n";
    }

    @Override
    String dtype(DType d) {
        return switch (d) {
            case F32 -> "_F";
            case F64 -> "torch.float64";
            case I32 -> "torch.int32";
            case BOOL -> "torch.bool";
        };
    }

    @Override
    String literal(double v, DType d) {
        return paren(plain(v, d));
    }

    @Override
    String tensor(double v, DType d) {
        return full("()", v, d);
    }

    @Override
    String full(String shape, double v, DType d) {
        return "torch.full(" + shape + ", " + plain(v, d) + ", dtype=" + dtype(d) + ", device=_dev)";
    }

    @Override
    String expand(String view, String shape) {
        return view + ".expand" + shape;
    }

    @Override
    String permute(String v, String axes) {
        return v + ".permute(" + axes + ")";
    }

    @Override
    String stopGradient(String v) {
        return v + ".detach()";
    }

    @Override
    String row(Node n, ArrayEmitter.Row r) {
        DType d = n.type().dtype();
        return switch (n.op()) {
            case ABS -> "torch.abs(" + r.x(0) + ")";
            case SIGN -> d.isFloat() ? "_sign(" + r.x(0) + ")" : "torch.sign(" + r.x(0) + ")";
            case EXP -> "torch.exp(" + r.x(0) + ")";
            case LOG -> "torch.log(" + r.x(0) + ")";
            case LOG1P -> "torch.log1p(" + r.x(0) + ")";
            case EXPM1 -> "torch.expm1(" + r.x(0) + ")";
            case SQRT -> "torch.sqrt(" + r.x(0) + ")";
            case TANH -> "torch.tanh(" + r.x(0) + ")";
            case SIGMOID -> "torch.sigmoid(" + r.x(0) + ")";
            case SOFTPLUS -> "_softplus(" + r.x(0) + ")";
            case NORMAL_CDF -> "_normal_cdf(" + r.x(0) + ")";
            case NORMAL_ICDF -> "_normal_icdf(" + r.x(0) + ")";
            case LGAMMA -> "_lgamma(" + r.x(0) + ")";
            case POLYGAMMA -> "_polygamma(" + n.attrs(Attrs.Order.class).n() + ", " + r.x(0) + ")";
            case CAST -> cast(r.x(0), r.in(0), d);
            case MIN -> extremum(r, d, "&", "max", "torch.minimum");
            case MAX -> extremum(r, d, "|", "min", "torch.maximum");
            case WHERE -> "torch.where(" + r.x(0) + ", " + (r.literal(2) ? r.array(1) : r.x(1)) + ", " + r.x(2) + ")";
            case CLIP -> r.literal(1) && r.literal(2) ? "torch.clamp(" + r.array(0) + ", " + r.x(1) + ", " + r.x(2) + ")"
                    : "torch.clamp(" + r.array(0) + ", " + r.array(1) + ", " + r.array(2) + ")";
            case SUM -> d.isFloat() ? "torch.sum(" + r.v(0) + ", dim=" + dims(n, r) + ", dtype=torch.float64).to(" + dtype(d) + ")"
                    : "torch.sum(" + r.v(0) + ", dim=" + dims(n, r) + ", dtype=torch.int64).to(torch.int32)";
            case MEAN -> "(torch.sum(" + r.v(0) + ", dim=" + dims(n, r) + ", dtype=torch.float64) / (" + r.count(n.reduced()) + ")).to(" + dtype(d) + ")";
            case REDUCE_MAX -> "torch.amax(" + comparable(r, d) + ", dim=" + dims(n, r) + ")" + (d == DType.BOOL ? ".bool()" : "");
            case REDUCE_MIN -> "torch.amin(" + comparable(r, d) + ", dim=" + dims(n, r) + ")" + (d == DType.BOOL ? ".bool()" : "");
            case LOGSUMEXP -> "torch.logsumexp(" + r.v(0) + ".double(), dim=" + dims(n, r) + ").to(" + dtype(d) + ")";
            case ARGMAX -> "torch.argmax(" + comparable(r, r.in(0)) + ", dim=" + r.axis(n.attrs(Attrs.Dim.class).dim()) + ").to(torch.int32)";
            case ARGMIN -> "torch.argmin(" + comparable(r, r.in(0)) + ", dim=" + r.axis(n.attrs(Attrs.Dim.class).dim()) + ").to(torch.int32)";
            case IOTA -> "torch.arange(" + ArrayEmitter.size(n.attrs(Attrs.Dim.class).dim()) + ", dtype=torch.int32, device=_dev)";
            case SIZE -> "torch.full((), " + ArrayEmitter.size(n.attrs(Attrs.Dim.class).dim()) + ", dtype=torch.int32, device=_dev)";
            default -> operator(n, r);
        };
    }

    /** min/max: bool as and/or; against a constant as a clamp (which takes a number); else element-wise. */
    private static String extremum(ArrayEmitter.Row r, DType d, String boolOp, String clampSide, String f) {
        if (d == DType.BOOL) {
            return "(" + r.x(0) + " " + boolOp + " " + r.x(1) + ")";
        }
        if (r.literal(0) || r.literal(1)) {
            int t = r.literal(0) ? 1 : 0;
            return "torch.clamp(" + r.x(t) + ", " + clampSide + "=" + r.x(1 - t) + ")";
        }
        return f + "(" + r.x(0) + ", " + r.x(1) + ")";
    }

    private static String comparable(ArrayEmitter.Row r, DType d) {
        return d == DType.BOOL ? r.v(0) + ".to(torch.uint8)" : r.v(0);
    }

    private static String dims(Node n, ArrayEmitter.Row r) {
        return r.axes(n.reduced());
    }

    private String cast(String x, DType from, DType to) {
        if (to == DType.BOOL) {
            return "(" + x + " != 0)";
        }
        if (to == DType.I32 && from.isFloat()) {
            return "_to_i32(" + x + ")";
        }
        return x + ".to(" + dtype(to) + ")";
    }

    // ---- wrappers -------------------------------------------------------------------------------

    @Override
    String objective(Signature s, String body) {
        String name = s.name();
        String args = s.arguments();
        String reports = s.reports().stream().map(r -> "\"" + r + "\"").collect(Collectors.joining(", "));
        return "def _" + name + "_body(" + args + "):\n" + body + "\n\n"
                + "class _" + name + "_function(torch.autograd.Function):\n"
                + "    \"\"\"" + s.rloName() + " as an autograd node: forward computes rlo's gradients and saves them; backward scales them.\"\"\"\n\n"
                + "    @staticmethod\n"
                + "    def forward(ctx, " + args + "):\n"
                + "        loss, reports, grads = _" + name + "_body(" + args + ")\n"
                + "        ctx.save_for_backward(" + s.savedGrads() + (s.grads().size() == 1 ? "," : "") + ")\n"
                + "        ctx.mark_non_differentiable(*reports.values())\n"
                + "        return (loss, *reports.values())\n\n"
                + "    @staticmethod\n"
                + "    def backward(ctx, grad_loss, *grad_reports):\n"
                + "        saved = ctx.saved_tensors\n"
                + "        return " + s.scaledGrads() + ", None\n\n\n"
                + "def " + name + "(" + s.parameters() + "):\n" + s.doc() + s.fixedChecks()
                + "    loss, *reports = _" + name + "_function.apply(" + args + ")\n"
                + "    return Result(loss, dict(zip((" + reports + (s.reports().size() == 1 ? "," : "") + "), reports)))\n\n\n"
                + "def _" + name + "_loss_and_grads(" + s.parameters() + "):\n"
                + "    \"\"\"" + s.rloName() + "'s loss, reports and gradients (rlo's), without autograd.\"\"\"\n" + s.fixedChecks()
                + "    with torch.no_grad():\n"
                + "        return LossAndGrads(*_" + name + "_body(" + args + "))\n\n\n"
                + name + ".loss_and_grads = _" + name + "_loss_and_grads\n";
    }
}
