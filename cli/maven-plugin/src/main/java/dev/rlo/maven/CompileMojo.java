package dev.rlo.maven;

import dev.rlo.cli.batch.CompileAll;
import dev.rlo.cli.registry.Emit;
import java.io.File;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.maven.model.Resource;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * {@code rlo:compile}: compiles every objective under {@code sourceDirectory} as
 * {@code rlo compile --emit EMIT -o DIR} does — one artifact per fn and objective and a manifest.json — into
 * {@code outputDirectory}, which it adds to the project's resources (so the artifacts land in the jar,
 * under {@code rlo/}). A file with errors fails the build.
 */
@Mojo(name = "compile", defaultPhase = LifecyclePhase.GENERATE_RESOURCES, threadSafe = true)
public class CompileMojo extends AbstractMojo {

    @Parameter(defaultValue = "${project.basedir}/src/main/rlo", property = "rlo.sourceDirectory")
    File sourceDirectory;

    /** What to write, as {@code rlo compile --emit}: ir, plan, schedule, java, opencl, cuda, or a Python module per file (torch, jax, numpy). */
    @Parameter(defaultValue = "plan", property = "rlo.emit")
    String emit;

    /** Hyper-parameters to set, by name (applied to the objectives that have them). */
    @Parameter
    Map<String, String> parameters = new LinkedHashMap<>();

    @Parameter
    List<File> libraryPath = List.of();

    @Parameter(defaultValue = "${project.build.directory}/generated-resources/rlo")
    File outputDirectory;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    MavenProject project;

    @Parameter(defaultValue = "${plugin.version}", readonly = true)
    String version;

    @Override
    public void execute() throws MojoFailureException {
        if (!Files.isDirectory(sourceDirectory.toPath())) {
            getLog().info("rlo: no objectives in " + sourceDirectory);
            return;
        }
        Emit kind;
        try {
            kind = Emit.named(emit);
        } catch (dev.rlo.compiler.base.UserError e) {
            throw new MojoFailureException("rlo: " + e.getMessage());
        }
        File out = new File(outputDirectory, "rlo");
        CompileAll.Outcome o;
        try {
            deleteTree(out.toPath());    /* artifacts of objectives since deleted must not reach the jar */
            CompileAll compile = new CompileAll(kind, parameters, false, true, libraryPath.stream().map(File::toPath).toList(), version);
            o = dev.rlo.compiler.base.Limits.onThread("rlo-compile", () -> compile.run(List.of(sourceDirectory.toPath()), null, out.toPath()));
        } catch (dev.rlo.compiler.base.UserError e) {
            throw new MojoFailureException("rlo: " + e.getMessage());
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            throw new MojoFailureException("rlo: " + e.getMessage());
        } catch (Exception e) {
            throw new MojoFailureException("rlo: internal error: " + e + ". This is a bug in rlo; please report it.", e);
        }
        if (!o.diagnostics().isEmpty()) {
            getLog().error("\n" + o.diagnostics());
        }
        if (o.failed()) {
            throw new MojoFailureException("rlo: " + o.summary());
        }
        getLog().info("rlo: " + o.summary());
        Resource r = new Resource();
        r.setDirectory(outputDirectory.getPath());
        project.addResource(r);
    }

    private static void deleteTree(java.nio.file.Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<java.nio.file.Path> s = Files.walk(dir)) {
            for (java.nio.file.Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
