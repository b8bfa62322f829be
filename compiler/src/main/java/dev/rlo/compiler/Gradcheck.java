package dev.rlo.compiler;

import dev.rlo.compiler.backend.Backend;
import dev.rlo.compiler.backend.Inputs;
import dev.rlo.compiler.backend.reference.ReferenceBackend;
import dev.rlo.compiler.base.UserError;
import dev.rlo.compiler.ir.Attrs;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.IrBuilder;
import dev.rlo.compiler.ir.Node;
import dev.rlo.compiler.ir.Op;
import dev.rlo.compiler.ir.Output;
import dev.rlo.compiler.pass.Rebuild;
import dev.rlo.compiler.tensor.Shapes;
import dev.rlo.compiler.tensor.Tensor;
import dev.rlo.compiler.types.DimSize;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * {@code rlo gradcheck}: the compiled gradient against central finite differences, everything in
 * f64 on the reference backend. Inputs not given are random and seeded: floats standard normal (or
 * uniform in a range the caller gives), bools fair coins, i32s uniform below the size of every
 * dimension they index (so gathers stay in range). For each {@code grad} input, up to
 * {@code maxElements} elements are perturbed by ±h, h = 1e-6·max(1, |x|), and the error of each
 * partial derivative is |analytic − numeric| / max(1, |numeric|): relative for large derivatives,
 * absolute for small.
 * <p>
 * The differences are those of the loss with every {@code stopgrad(…)} held at its value at the
 * base point: that function's gradient is the one autodiff computes, so semi-gradient objectives (a
 * TD target from the value being trained, a surrogate's fixed weights) check. {@code plain}
 * differences the loss itself, through the stopgrads.
 */
public final class Gradcheck {

    /**
     * The options; {@code sizes} fixes dimension sizes, the others default to 3, 4, 5, … in order;
     * {@code ranges} draws a float input uniformly in [lo, hi] instead of from a standard normal.
     */
    public record Options(Map<String, Long> sizes, long seed, double tolerance, int maxElements, Map<String, Tensor> given,
                          Map<String, double[]> ranges, boolean plain) {

        public Options(Map<String, Long> sizes, long seed, double tolerance, int maxElements, Map<String, Tensor> given) {
            this(sizes, seed, tolerance, maxElements, given, Map.of(), false);
        }
    }

    /** The worst partial derivative of one input; {@code allZero} when every one checked was exactly 0, both ways. */
    public record InputResult(String input, int checked, double error, String at, double analytic, double numeric, boolean allZero) { }

    /** The results per input; {@code held} counts the stopgrads held at their base-point values. */
    public record Report(List<InputResult> inputs, double tolerance, int held) {
        public boolean passed() {
            return inputs.stream().allMatch(r -> r.error() <= tolerance);
        }

        /** Passed, but only because every gradient checked is exactly 0: the check said nothing. */
        public boolean vacuous() {
            return !inputs.isEmpty() && inputs.stream().allMatch(InputResult::allZero);
        }

        /** The input with the largest error. */
        public InputResult worst() {
            return inputs.stream().max(java.util.Comparator.comparingDouble(InputResult::error)).orElse(null);
        }
    }

    private Gradcheck() { }

    public static Report run(Compiler compiler, String objective, Map<String, String> hyper, Options o) {
        return run(compiler, objective, hyper, o, new ReferenceBackend());
    }

    /** The same, running both graphs on {@code backend}. */
    public static Report run(Compiler compiler, String objective, Map<String, String> hyper, Options o, Backend backend) {
        return run(compiler.graph(objective, hyper, true, true), compiler.graph(objective, hyper, true, false), o, backend);
    }

    /** Checks {@code full}'s gradients by finite differences of {@code forward}'s loss (the same objective). */
    public static Report run(Graph full, Graph forward, Options o) {
        return run(full, forward, o, new ReferenceBackend());
    }

    /** The same on {@code backend}. */
    public static Report run(Graph full, Graph forward, Options o, Backend backend) {
        Backend.Executable withGrads = backend.compile(full);
        Map<String, Tensor> inputs = inputs(full, o);
        Map<Output, Tensor> out = withGrads.run(inputs);
        Held held = o.plain() ? new Held(forward, Map.of()) : hold(forward, inputs, backend);
        Backend.Executable lossOnly = backend.compile(held.graph());
        Map<String, Tensor> base = new LinkedHashMap<>(inputs);
        base.putAll(held.values());
        Random pick = new Random(o.seed() + 1);
        List<InputResult> results = new ArrayList<>();
        for (Graph.Input in : full.inputs()) {
            if (!in.grad()) {
                continue;
            }
            double[] analytic = out.get(Output.grad(in.name())).values();
            Tensor x = inputs.get(in.name());
            double[] v = x.values();
            List<Integer> elements = elements(v.length, o.maxElements(), pick);
            InputResult worst = new InputResult(in.name(), elements.size(), 0, "-", 0, 0, true);
            boolean allZero = true;
            for (int i : elements) {
                double h = 1e-6 * Math.max(1, Math.abs(v[i]));
                double plus = lossWith(lossOnly, base, in.name(), v, i, v[i] + h);
                double minus = lossWith(lossOnly, base, in.name(), v, i, v[i] - h);
                double numeric = (plus - minus) / (2 * h);
                double error = Math.abs(analytic[i] - numeric) / Math.max(1, Math.abs(numeric));
                allZero &= analytic[i] == 0 && numeric == 0;
                if (!(error <= worst.error())) {
                    worst = new InputResult(in.name(), elements.size(), error, position(x, i), analytic[i], numeric, false);
                }
            }
            results.add(new InputResult(worst.input(), worst.checked(), worst.error(), worst.at(), worst.analytic(),
                    worst.numeric(), allZero));
        }
        return new Report(results, o.tolerance(), held.values().size());
    }

    /** The forward graph with each stop_gradient made an input, and those inputs' values at the base point. */
    private record Held(Graph graph, Map<String, Tensor> values) { }

    private static Held hold(Graph forward, Map<String, Tensor> inputs, Backend backend) {
        List<Node> stops = forward.nodes().stream().filter(Gradcheck::written).toList();
        if (stops.isEmpty()) {
            return new Held(forward, Map.of());
        }
        Map<Output, Node> probes = new LinkedHashMap<>(forward.outputs());
        stops.forEach(n -> probes.put(Output.report(heldName(n)), n));
        Map<Output, Tensor> atBase = backend.compile(forward.withOutputs(probes)).run(inputs);
        Map<String, Tensor> values = new LinkedHashMap<>();
        List<Graph.Input> all = new ArrayList<>(forward.inputs());
        for (Node n : stops) {
            values.put(heldName(n), atBase.get(Output.report(heldName(n))));
            all.add(new Graph.Input(heldName(n), n.type(), false));
        }
        Graph copy = Rebuild.copy(forward, new IrBuilder(false),
                (b, n, in) -> written(n) ? b.input(heldName(n), n.type()) : null);
        return new Held(new Graph(copy.name(), all, copy.outputs(), copy.renames(), copy.sizes()), values);
    }

    /** A stopgrad of the source (lowering's own are value identities that shape a gradient, not a semi-gradient). */
    private static boolean written(Node n) {
        return n.op() == Op.STOP_GRADIENT && n.attrs(Attrs.Stop.class).written();
    }

    /** A name no source input can have. */
    private static String heldName(Node stop) {
        return "stopgrad#" + stop.id();
    }

    /** The loss with element {@code i} of input {@code name} (values {@code v}) set to {@code value}. */
    private static double lossWith(Backend.Executable forward, Map<String, Tensor> inputs, String name, double[] v, int i,
                                   double value) {
        Tensor x = inputs.get(name);
        double[] w = v.clone();
        w[i] = value;
        Map<String, Tensor> changed = new LinkedHashMap<>(inputs);
        changed.put(name, Tensor.of(x.dtype(), x.dims(), x.shape(), w));
        return forward.run(changed).get(Output.LOSS).item();
    }

    private static List<Integer> elements(int n, int max, Random r) {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(i);
        }
        java.util.Collections.shuffle(all, r);
        List<Integer> some = new ArrayList<>(all.subList(0, Math.min(n, max)));
        some.sort(null);
        return some;
    }

    /**
     * The given inputs, and seeded random values for the rest (floats standard normal, bools fair
     * coins, i32 indices in range) — also what the backend comparisons feed their graphs.
     */
    public static Map<String, Tensor> inputs(Graph g, Options o) {
        o.sizes().forEach((d, n) -> Shapes.size("dimension " + d, n));
        Map<String, Long> sizes = new HashMap<>(o.sizes());
        for (Graph.Input in : g.inputs()) {
            if (o.given().containsKey(in.name())) {
                Tensor t = o.given().get(in.name());
                t.dims().forEach(d -> sizes.putIfAbsent(d, t.size(d)));
            }
        }
        long[] next = {3};
        for (Graph.Input in : g.inputs()) {
            in.type().dims().forEach(d -> size(g, d, sizes, next));
        }
        Map<String, Long> bounds = Inputs.indexBounds(g, sizes);
        Random random = new Random(o.seed());
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Graph.Input in : g.inputs()) {
            if (o.given().containsKey(in.name())) {
                out.put(in.name(), o.given().get(in.name()));
                continue;
            }
            long[] shape = in.type().dims().stream().mapToLong(sizes::get).toArray();
            double[] v = new double[Shapes.elements("input `" + in.name() + "`", shape)];
            for (int i = 0; i < v.length; i++) {
                double[] range = o.ranges().get(in.name());
                v[i] = switch (in.type().dtype()) {
                    case BOOL -> random.nextBoolean() ? 1 : 0;
                    case I32 -> random.nextInt((int) Math.min(bounds.getOrDefault(in.name(), 3L), Integer.MAX_VALUE));
                    default -> range == null ? random.nextGaussian() : range[0] + (range[1] - range[0]) * random.nextDouble();
                };
            }
            out.put(in.name(), Tensor.of(in.type().dtype(), in.type().dims(), shape, v));
        }
        return out;
    }

    /** Sizes {@code d}: as the dimension it is renamed from, if any, else the next unused default. */
    private static long size(Graph g, String d, Map<String, Long> sizes, long[] next) {
        return size(g, d, sizes, next, new java.util.HashSet<>());
    }

    private static long size(Graph g, String d, Map<String, Long> sizes, long[] next, java.util.Set<String> resolving) {
        Long known = sizes.get(d);
        if (known != null) {
            return known;
        }
        resolving.add(d);
        DimSize declared = g.sizes().get(d);
        if (declared != null) {
            long s = declared.fixed() ? declared.offset() : size(g, declared.base(), sizes, next, resolving) + declared.offset();
            if (s < 1) {
                throw new UserError("dimension " + d + " = " + declared + " is " + s + "; give " + declared.base()
                        + " a size above " + -declared.offset() + " with --dim");
            }
            sizes.put(d, s);
            return s;
        }
        for (Attrs.Rename r : g.renames()) {
            if (r.to().equals(d) && !resolving.contains(r.from())) {
                long s = size(g, r.from(), sizes, next, resolving);
                sizes.put(d, s);
                return s;
            }
        }
        while (sizes.containsValue(next[0])) {
            next[0]++;
        }
        sizes.put(d, next[0]);
        return next[0]++;
    }

    private static String position(Tensor t, int flat) {
        if (t.dims().isEmpty()) {
            return "[]";
        }
        long[] shape = t.shape();
        String[] parts = new String[shape.length];
        long f = flat;
        for (int k = shape.length - 1; k >= 0; k--) {
            parts[k] = t.dims().get(k) + "=" + f % shape[k];
            f /= shape[k];
        }
        return "[" + String.join(", ", parts) + "]";
    }
}
