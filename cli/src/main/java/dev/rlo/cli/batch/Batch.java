package dev.rlo.cli.batch;

import dev.rlo.compiler.Session;
import dev.rlo.compiler.base.Limits;
import dev.rlo.compiler.diag.Code;
import dev.rlo.compiler.diag.Diagnostic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Checks many files at once (spec/cli.md#check): each file in a session of its own, on a pool of
 * threads, its findings from the {@link Cache} when nothing it depends on changed. A module
 * imported by several files is checked with each, and its findings reported once.
 */
public final class Batch {

    /**
     * A file's findings, whether they came from the cache, and (else null) why it or a module it
     * imports could not be read, the internal error checking it hit and why it could not be cached.
     */
    public record Result(Path file, List<Finding> findings, boolean cached, String unreadable, Throwable internal, String cacheProblem) { }

    /** Checks one file in a session: {@code Session::check}, or a test's stand-in. */
    public interface FileChecker {
        void check(Session session, Path file);
    }

    /** Every finding once, in file order (a module's own findings reported by several importers collapse). */
    public record Report(List<Result> results, List<Finding> findings) {

        public long errors() {
            return findings.stream().filter(Finding::isError).count();
        }

        public long warnings() {
            return findings.size() - errors();
        }

        public long cached() {
            return results.stream().filter(Result::cached).count();
        }
    }

    private Batch() { }

    /** Checks {@code files} on {@code threads} threads; {@code cacheDir} may be null (no cache). */
    public static Report check(List<Path> files, List<Path> libraryPath, Path cacheDir, String version, int threads,
                               FileChecker checker) {
        Cache cache = cacheDir == null ? null : new Cache(cacheDir, version, libraryPath);
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), Limits.threads("rlo-check"));
        try {
            List<Future<Result>> futures = new ArrayList<>();
            for (Path f : files) {
                futures.add(pool.submit(() -> one(f, libraryPath, cache, checker)));
            }
            List<Result> results = new ArrayList<>();
            for (Future<Result> f : futures) {
                results.add(f.get());
            }
            Set<String> seen = new LinkedHashSet<>();
            List<Finding> findings = new ArrayList<>();
            for (Result r : results) {
                for (Finding x : r.findings()) {
                    if (seen.add(x.file() + ":" + x.line() + ":" + x.column() + ":" + x.code() + ":" + x.message())) {
                        findings.add(x);
                    }
                }
            }
            return new Report(results, findings);
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case RuntimeException r -> throw r;
                case Error r -> throw r;
                default -> throw new IllegalStateException(e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static Result one(Path file, List<Path> libraryPath, Cache cache, FileChecker checker) {
        List<Finding> cached = cache == null ? null : cache.get(file);
        if (cached != null) {
            return new Result(file, cached, true, null, null, null);
        }
        Session session = new Session(libraryPath);
        try {
            checker.check(session, file);
        } catch (UncheckedIOException e) {
            return new Result(file, List.of(), false, e.getMessage(), null, null);
        } catch (RuntimeException | StackOverflowError e) {
            return new Result(file, List.of(), false, null, e, null);
        }
        List<Finding> findings = new ArrayList<>();
        boolean unresolved = false;
        for (Diagnostic d : session.diagnostics().sorted()) {
            findings.add(Finding.of(d));
            unresolved |= d.code() == Code.E012;
        }
        String cacheProblem = null;
        if (cache != null && !unresolved) {
            try {
                cache.put(file, session.modules(), session.misses(), findings);
            } catch (IOException | UncheckedIOException e) {
                cacheProblem = "cannot write the check cache: " + e.getMessage();
            }
        }
        return new Result(file, findings, false, null, null, cacheProblem);
    }
}
