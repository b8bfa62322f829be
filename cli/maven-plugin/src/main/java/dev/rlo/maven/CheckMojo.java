package dev.rlo.maven;

import dev.rlo.cli.batch.Batch;
import dev.rlo.cli.batch.TrainCheck;
import dev.rlo.cli.batch.Finding;
import dev.rlo.cli.batch.RloFiles;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * {@code rlo:check}: checks every objective file under {@code sourceDirectory}, as {@code rlo check}
 * does (in parallel, cached in {@code target/rlo-cache}); any error fails the build, and with
 * {@code werror} any warning. Each diagnostic is logged with its file, line, column and carets.
 */
@Mojo(name = "check", defaultPhase = LifecyclePhase.VALIDATE, threadSafe = true)
public class CheckMojo extends AbstractMojo {

    /** Where the {@code .rlo} files are (searched recursively). */
    @Parameter(defaultValue = "${project.basedir}/src/main/rlo", property = "rlo.sourceDirectory")
    File sourceDirectory;

    /** Directories searched by imports, after each file's own directory. */
    @Parameter
    List<File> libraryPath = new ArrayList<>();

    /** Fail on warnings too. */
    @Parameter(defaultValue = "false", property = "rlo.werror")
    boolean werror;

    @Parameter(defaultValue = "${project.build.directory}/rlo-cache")
    File cacheDirectory;

    @Parameter(defaultValue = "${plugin.version}", readonly = true)
    String version;

    @Override
    public void execute() throws MojoFailureException {
        Path root = sourceDirectory.toPath();
        if (!Files.isDirectory(root)) {
            getLog().info("rlo: no objectives in " + root);
            return;
        }
        List<Path> files;
        Batch.Report report;
        try {
            files = RloFiles.find(root);
            report = Batch.check(files, libraryPath.stream().map(File::toPath).toList(), cacheDirectory.toPath(),
                    version, Runtime.getRuntime().availableProcessors(), TrainCheck::check);
        } catch (java.io.UncheckedIOException e) {
            throw new MojoFailureException("rlo: " + e.getMessage());
        }
        for (Batch.Result r : report.results()) {
            if (r.unreadable() != null) {
                throw new MojoFailureException("rlo: " + r.unreadable());
            }
            if (r.internal() != null) {
                throw new MojoFailureException("rlo: internal error while checking " + r.file() + ": " + r.internal(), r.internal());
            }
        }
        for (Finding f : report.findings()) {
            if (f.isError()) {
                getLog().error("\n" + f.text());
            } else {
                getLog().warn("\n" + f.text());
            }
        }
        String summary = "rlo: checked " + count(files.size(), "file") + ": " + count(report.errors(), "error") + ", "
                + count(report.warnings(), "warning") + " (" + report.cached() + " unchanged, from the cache)";
        if (report.errors() > 0 || werror && report.warnings() > 0) {
            throw new MojoFailureException(summary);
        }
        getLog().info(summary);
    }

    private static String count(long n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }
}
