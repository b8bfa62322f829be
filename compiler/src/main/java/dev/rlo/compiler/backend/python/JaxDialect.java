package dev.rlo.compiler.backend.python;

import dev.rlo.compiler.types.DType;

/**
 * JAX: an objective is a {@code jax.custom_vjp} whose forward runs the body (loss, reports and
 * rlo's gradients, kept as residuals) and whose backward scales them, so {@code jit}, {@code vmap}
 * and {@code value_and_grad} compose; a fn is plain {@code jax.numpy}, scans are {@code lax.scan}.
 * Without {@code jax_enable_x64} everything is f32, sums included.
 */
final class JaxDialect extends NumpyLike {

    @Override
    String name() {
        return "jax";
    }

    @Override
    String title() {
        return "JAX";
    }

    @Override
    String imports() {
        return "import functools\n\nimport jax\nimport jax.numpy as jnp\n";
    }

    @Override
    String m() {
        return "jnp";
    }

    @Override
    String literal(double v, DType d) {
        return paren(plain(v, d));
    }

    @Override
    String floatSum(String x, String axes) {
        return "jnp.sum(" + x + ", axis=" + axes + ")";
    }

    @Override
    String logsumexp(String x, String axes) {
        return "jax.nn.logsumexp(" + x + ", axis=" + axes + ")";
    }

    @Override
    String sigmoid(String x) {
        return "jax.nn.sigmoid(" + x + ")";
    }

    @Override
    String stopGradient(String v) {
        return "jax.lax.stop_gradient(" + v + ")";
    }

    @Override
    String objective(Signature s, String body) {
        String name = s.name();
        String inputs = String.join(", ", s.body());
        return "def _" + name + "_body(" + s.arguments() + "):\n" + body + "\n\n"
                + "@functools.partial(jax.custom_vjp, nondiff_argnums=(0,))\n"
                + "def _" + name + "_vjp(check, " + inputs + "):\n"
                + "    loss, reports, _ = _" + name + "_body(" + s.arguments() + ")\n"
                + "    return loss, reports\n\n\n"
                + "def _" + name + "_fwd(check, " + inputs + "):\n"
                + "    loss, reports, grads = _" + name + "_body(" + s.arguments() + ")\n"
                + "    return (loss, reports), (" + s.savedGrads() + (s.grads().size() == 1 ? "," : "") + ")\n\n\n"
                + "def _" + name + "_bwd(check, saved, cotangents):\n"
                + "    grad_loss = cotangents[0]\n"
                + "    return (" + s.scaledGrads() + (s.body().size() == 1 ? "," : "") + ")\n\n\n"
                + "_" + name + "_vjp.defvjp(_" + name + "_fwd, _" + name + "_bwd)\n\n\n"
                + "def " + name + "(" + s.parameters() + "):\n" + s.doc() + s.fixedChecks()
                + "    return Result(*_" + name + "_vjp(check, " + inputs + "))\n\n\n"
                + "def _" + name + "_loss_and_grads(" + s.parameters() + "):\n"
                + "    \"\"\"" + s.rloName() + "'s loss, reports and gradients (rlo's), without autodiff.\"\"\"\n" + s.fixedChecks()
                + "    return LossAndGrads(*_" + name + "_body(" + s.arguments() + "))\n\n\n"
                + name + ".loss_and_grads = _" + name + "_loss_and_grads\n";
    }
}
