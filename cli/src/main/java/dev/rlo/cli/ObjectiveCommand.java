package dev.rlo.cli;

import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.base.UserError;
import dev.rlo.compiler.io.Npy;
import dev.rlo.compiler.io.TensorJson;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.tensor.Tensor;
import dev.rlo.compiler.types.DType;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * What the commands that run one objective share: the file, {@code --objective}, {@code --set},
 * {@code --path}, the inputs, and the handling of user errors — diagnostics when the file does
 * not check, a one-line message for bad inputs or values, exit 1 either way (spec/cli.md).
 */
abstract class ObjectiveCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "The .rlo file.")
    Path file;

    @Option(names = "--objective", paramLabel = "NAME", description = "The objective, or for eval and compile a fn too (needed when the file has several).")
    String objective;

    @Option(names = "--set", paramLabel = "NAME=VALUE", description = "Set a hyper-parameter (repeatable).")
    Map<String, String> hyper = new LinkedHashMap<>();

    @Option(names = "--path", paramLabel = "DIR", description = "Add a directory to the import search path (repeatable).")
    List<Path> libraryPath = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs with the checked file and the chosen objective; returns the exit code. */
    abstract int run(Compiler compiler, String objective, PrintWriter out);

    /** The objective {@code --objective} names, or the file's only one; commands that take fns too say so. */
    String choose(Compiler compiler) {
        return compiler.objective(objective);
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!file.toFile().isFile()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "no such file: " + file);
        }
        for (Path p : inputPaths()) {
            if (!Files.exists(p)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "no such file: " + p);
            }
        }
        try {
            Compiler compiler = Compiler.load(file, libraryPath);
            return run(compiler, choose(compiler), out);
        } catch (Compiler.CheckFailed e) {
            out.print(e.diagnostics().toText());
            out.flush();
            return Main.USER_ERRORS;
        } catch (UserError e) {
            err.println("rlo: " + e.getMessage());
            return Main.USER_ERRORS;
        }
    }

    @Option(names = "--input", paramLabel = "NAME=FILE.npy", description = "An input from a .npy file, its axes in the declared order (repeatable).")
    Map<String, Path> npyInputs = new LinkedHashMap<>();

    @Option(names = "--inputs", paramLabel = "FILE", description = "Inputs (and params) from a .json or .npz file.")
    Path inputsFile;

    private List<Path> inputPaths() {
        List<Path> all = new ArrayList<>(npyInputs.values());
        if (inputsFile != null) {
            all.add(inputsFile);
        }
        return all;
    }

    /** What the command line and the input files give a run: the inputs by name, and the hyper-parameters. */
    record Given(Map<String, Tensor> inputs, Map<String, String> hyper) { }

    /**
     * The inputs given by {@code --inputs} and {@code --input} for the fn or objective {@code name}; a
     * .npy or .npz array takes the dimension names of the input's declared type, which the checker
     * knows, so nothing is lowered here. Params in a JSON file join {@code --set}, which wins. An
     * {@code --inputs} file is an .npz archive if its name or its first bytes say so, else JSON.
     */
    Given given(Compiler compiler, String name) {
        List<Graph.Input> declared = compiler.inputs(name);
        Map<String, Tensor> out = new LinkedHashMap<>();
        Map<String, String> params = new LinkedHashMap<>();
        if (inputsFile != null) {
            if (inputsFile.toString().endsWith(".npz") || Files.isRegularFile(inputsFile) && startsWith(inputsFile, "PK")) {
                Npy.readArchive(inputsFile).forEach((in, a) -> out.put(in, fromNpy(declared, in, a, inputsFile + ":" + in)));
            } else {
                TensorJson.InputsFile f = TensorJson.read(inputsFile);
                out.putAll(f.inputs());
                params.putAll(f.params());
            }
        }
        npyInputs.forEach((in, path) -> out.put(in, fromNpy(declared, in, Npy.read(path), path.toString())));
        params.putAll(hyper);
        return new Given(out, params);
    }

    /** Whether the regular file {@code file} starts with {@code magic} (false when it cannot be read: reading it later says why). */
    private static boolean startsWith(Path file, String magic) {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            return java.util.Arrays.equals(in.readNBytes(magic.length()), magic.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static Tensor fromNpy(List<Graph.Input> declared, String name, Npy.Array a, String source) {
        Graph.Input in = declared.stream().filter(i -> i.name().equals(name)).findFirst().orElse(null);
        if (in == null) {
            return Tensor.of(DType.F64, java.util.Collections.nCopies(a.shape().length, "?"), a.shape(), a.values());
        }
        if (a.shape().length != in.type().dims().size()) {
            throw new UserError(source + " has shape " + Arrays.toString(a.shape()) + ", but input `" + name + "` is "
                    + in.type() + ": expected " + in.type().dims().size() + " axes, in that order");
        }
        DType d = a.descr().endsWith("b1") ? DType.BOOL : DType.F64;
        return Tensor.of(d, in.type().dims(), a.shape(), a.values());
    }
}
