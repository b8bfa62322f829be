package dev.rlo.compiler.backend.python;

import dev.rlo.compiler.types.DType;

/**
 * NumPy (with SciPy for the special functions): the same graph, always testable. Literals are
 * typed ({@code _F(0.5)}), so that NumPy 1's value-based casting and NumPy 2's weak scalars agree;
 * sums accumulate in f64. An objective returns its loss and reports, and {@code loss_and_grads}
 * its gradients too; there is no autodiff to hook into.
 */
final class NumpyDialect extends NumpyLike {

    @Override
    String name() {
        return "numpy";
    }

    @Override
    String title() {
        return "NumPy";
    }

    @Override
    String imports() {
        return "import functools\n\nimport numpy as np\n";
    }

    @Override
    String m() {
        return "np";
    }

    @Override
    String literal(double v, DType d) {
        return switch (d) {
            case BOOL -> v != 0 ? "np.True_" : "np.False_";
            case I32 -> "np.int32(" + plain(v, d) + ")";
            case F32 -> "_F(" + plain(v, d) + ")";
            case F64 -> "np.float64(" + plain(v, d) + ")";
        };
    }

    @Override
    String floatSum(String x, String axes) {
        return "np.sum(" + x + ", axis=" + axes + ", dtype=np.float64)";
    }

    @Override
    String logsumexp(String x, String axes) {
        return "_logsumexp(" + x + ", " + axes + ")";
    }

    @Override
    String sigmoid(String x) {
        return "_sigmoid(" + x + ")";
    }

    @Override
    String stopGradient(String v) {
        return v;
    }

    @Override
    String fn(Signature s, String body) {
        return "@_quiet\ndef " + s.name() + "(" + s.parameters() + "):\n" + s.doc() + s.fixedChecks() + body;
    }

    @Override
    String objective(Signature s, String body) {
        String name = s.name();
        return "@_quiet\ndef _" + name + "_body(" + s.arguments() + "):\n" + body + "\n\n"
                + "def " + name + "(" + s.parameters() + "):\n" + s.doc() + s.fixedChecks()
                + "    loss, reports, _ = _" + name + "_body(" + s.arguments() + ")\n"
                + "    return Result(loss, reports)\n\n\n"
                + "def _" + name + "_loss_and_grads(" + s.parameters() + "):\n"
                + "    \"\"\"" + s.rloName() + "'s loss, reports and gradients (rlo's).\"\"\"\n" + s.fixedChecks()
                + "    return LossAndGrads(*_" + name + "_body(" + s.arguments() + "))\n\n\n"
                + name + ".loss_and_grads = _" + name + "_loss_and_grads\n";
    }
}
