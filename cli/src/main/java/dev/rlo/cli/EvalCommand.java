package dev.rlo.cli;

import dev.rlo.cli.registry.Backends;
import dev.rlo.compiler.CompiledObjective;
import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.base.UserError;
import dev.rlo.compiler.io.Json;
import dev.rlo.compiler.io.TensorJson;
import dev.rlo.compiler.tensor.Tensor;
import dev.rlo.compiler.tensor.TensorText;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code rlo eval FILE}: an objective's loss, reports and (with {@code --grad}) gradients, or a fn's
 * result (spec/cli.md#eval).
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate an objective (or a fn) on inputs from .npy, .npz or JSON files.")
final class EvalCommand extends ObjectiveCommand {

    @Mixin
    DtypeOption dtype;

    enum Format { text, json }

    @Option(names = "--grad", description = "Also print the gradient with respect to every grad input.")
    boolean grad;

    @Option(names = "--backend", paramLabel = "NAME", description = "The backend: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Backends backend = Backends.cpu;

    @Option(names = "--device", paramLabel = "SPEC", description = "The opencl device (number or part of its name) or cuda device number.")
    String device;

    @Option(names = "--format", paramLabel = "FORMAT", description = "Output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format format = Format.text;

    @Override
    String choose(Compiler compiler) {
        return compiler.fnOrObjective(objective);
    }

    @Override
    int run(Compiler compiler, String objective, PrintWriter out) {
        if (compiler.isFn(objective)) {
            return fn(compiler, objective, out);
        }
        Given given = given(compiler, objective);
        CompiledObjective compiled = compiler.compile(objective, given.hyper(), dtype.f64(), backend.create(device));
        CompiledObjective.Result r = compiled.run(given.inputs());
        if (format == Format.json) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("objective", objective);
            json.put("loss", TensorJson.toJson(r.loss()));
            Map<String, Object> reports = new LinkedHashMap<>();
            r.reports().forEach((k, v) -> reports.put(k, TensorJson.toJson(v)));
            json.put("reports", reports);
            if (grad) {
                Map<String, Object> grads = new LinkedHashMap<>();
                r.grads().forEach((k, v) -> grads.put(k, TensorJson.toJson(v)));
                json.put("grads", grads);
            }
            out.println(Json.write(json));
        } else {
            out.println("loss: " + TensorText.format(r.loss(), 100));
            r.reports().forEach((k, v) -> out.println("report " + k + ": " + TensorText.format(v, 100)));
            if (grad) {
                r.grads().forEach((k, v) -> out.println("grad " + k + ": " + TensorText.format(v, 100)));
            }
        }
        out.flush();
        return Main.OK;
    }

    /** A fn compiled alone, forward only (as a training loop's rollout stage): its result. */
    private int fn(Compiler compiler, String name, PrintWriter out) {
        if (grad) {
            throw new UserError("`" + name + "` is a fn, which has no gradients: --grad goes with objectives");
        }
        Given given = given(compiler, name);
        Tensor result = compiler.compileFn(name, given.hyper(), dtype.f64(), backend.create(device)).apply(given.inputs());
        if (format == Format.json) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("fn", name);
            json.put("result", TensorJson.toJson(result));
            out.println(Json.write(json));
        } else {
            out.println("result: " + TensorText.format(result, 100));
        }
        out.flush();
        return Main.OK;
    }
}
