package dev.rlo.sweep;

import static dev.rlo.sweep.Sweeps.EXAMPLE;
import static dev.rlo.sweep.Sweeps.rlo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlo.cli.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rlo sweep} end to end on the embedded Spark, on tiny budgets, and its pieces that need no Spark. */
class SweepCommandTest {

    @TempDir
    Path tmp;

    /**
     * Two configurations of the example, one seed each: every file of the sweep directory, and each run
     * equal to its own {@code rlo train} command run alone (the acceptance's check, on a small budget).
     */
    @Test
    void runsEqualTheirRloTrainCommandsRunAlone() throws IOException {
        Path out = tmp.resolve("sweeps");
        Sweeps.Result r = rlo("sweep", EXAMPLE, "--grid", "eps=0.2", "--seeds", "1", "--steps", "1024", "--eval-episodes", "1",
                "--out", out.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("sweep ppo_vs_spo: 2 runs, 2 to run, on local"), r.out());
        assertTrue(r.out().contains("[2/2] "), r.out());
        assertTrue(r.out().contains("sweep ppo_vs_spo: 2 of 2 runs finished"), r.out());
        assertTrue(r.out().matches("(?s).*\\n   1  objective=(ppo|spo)  1/1 .*"), r.out());
        Path sweep = Sweeps.sweepDir(out);
        assertTrue(sweep.getFileName().toString().matches("ppo_vs_spo__\\d{8}-\\d{6}"), sweep.toString());
        assertTrue(Files.readString(sweep.resolve("sweep.json")).contains("\"sources_sha256\": \""));
        List<String> results = Files.readAllLines(sweep.resolve("results.csv"));
        assertEquals(3, results.size(), results.toString());
        assertTrue(results.stream().skip(1).allMatch(l -> l.contains(",finished,1,")), results.toString());
        assertEquals(3, Files.readAllLines(sweep.resolve("summary.csv")).size());
        assertEquals(800, ImageIO.read(sweep.resolve("curves.png").toFile()).getWidth());
        for (Path run : Sweeps.runs(sweep)) {
            Sweeps.sameAsAlone(run, tmp.resolve("alone-" + run.getFileName()));
        }
    }

    /**
     * SPO with ε = 0 divides by zero: its loss is NaN from the first minibatch, rlo's own verdict, so
     * the run is {@code diverged} after one attempt, while PPO with the same ε finishes; exit 1.
     */
    @Test
    void aDivergingRunIsRecordedAndNotRetried() throws IOException {
        Path out = tmp.resolve("sweeps");
        Sweeps.Result r = rlo("sweep", EXAMPLE, "--grid", "eps=0.0", "--seeds", "1", "--steps", "512", "--eval-episodes", "1",
                "--max-attempts", "3", "--out", out.toString());
        assertEquals(Main.USER_ERRORS, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("seed 1: diverged at step 256: training stopped: the loss is NaN"), r.out());
        assertTrue(r.out().contains("1 of 2 runs finished"), r.out());
        Path sweep = Sweeps.sweepDir(out);
        List<String> results = Files.readAllLines(sweep.resolve("results.csv"));
        assertTrue(results.stream().anyMatch(l -> l.contains("objective=spo,1,diverged,1,")), results.toString());
        Path spo = Sweeps.runs(sweep).getLast();
        assertEquals(1, Files.readAllLines(spo.resolve("train.log")).stream().filter(l -> l.startsWith("attempt ")).count(),
                "a diverged run is not retried");
    }

    /** A misspelt key and a value of the wrong type: located diagnostics from rlo check, and rlo sweep runs nothing. */
    @Test
    void aBadSweepIsReportedWhereWrittenAndNothingRuns() throws IOException {
        Path file = tmp.resolve("bad.rlo");
        Files.writeString(file, Files.readString(Path.of(EXAMPLE)).replace("  eps       = [0.1, 0.2]",
                "  epz       = [0.1, 0.2]\n  optimizer.lr = [\"fast\"]"));
        int line = (int) Files.readString(Path.of(EXAMPLE)).lines().takeWhile(l -> !l.startsWith("  eps ")).count() + 1;
        Sweeps.Result check = rlo("check", "--no-cache", file.toString());
        assertEquals(Main.USER_ERRORS, check.code(), check.out() + check.err());
        assertTrue(check.out().contains("bad.rlo:" + line + ":3: error[E080]: unknown sweep setting `epz`"), check.out());
        assertTrue(check.out().contains("hint: did you mean `eps`?"), check.out());
        assertEquals(1, check.out().lines().filter(l -> l.contains(": error")).count(), "the loops are checked once the sweep checks");
        Path out = tmp.resolve("sweeps");
        Sweeps.Result misspelt = rlo("sweep", file.toString(), "--out", out.toString());
        assertEquals(Main.USER_ERRORS, misspelt.code());
        assertTrue(misspelt.out().contains("bad.rlo:" + line + ":3: error[E080]: unknown sweep setting `epz`"), misspelt.out());
        assertFalse(Files.exists(out), "nothing is written");

        Files.writeString(file, Files.readString(file).replace("epz", "eps"));
        check = rlo("check", "--no-cache", file.toString());
        assertTrue(check.out().contains("bad.rlo:" + (line + 1) + ":19: error: `lr` of `adam` takes a number"), check.out());
        Sweeps.Result sweep = rlo("sweep", file.toString(), "--out", out.toString());
        assertEquals(Main.USER_ERRORS, sweep.code(), sweep.out() + sweep.err());
        assertTrue(sweep.out().contains("bad.rlo:" + (line + 1) + ":19: error: `lr` of `adam` takes a number"), sweep.out());
        assertTrue(sweep.out().contains("sweep ppo_vs_spo: nothing ran, for not every configuration fits its loop"), sweep.out());
        assertFalse(Files.exists(out), "nothing is written");
    }

    /** A run whose every attempt failed stays failed on --resume, and runs again with --retry-failed. */
    @Test
    void resumeRetriesFailedRunsOnlyWhenAsked() throws IOException {
        Path out = tmp.resolve("sweeps");
        assertEquals(0, rlo("sweep", EXAMPLE, "--grid", "eps=0.2", "--seeds", "1", "--steps", "256", "--eval-episodes", "1",
                "--out", out.toString()).code());
        Path sweep = Sweeps.sweepDir(out);
        Path first = Sweeps.runs(sweep).getFirst();
        String id = first.getFileName().toString();
        try (var files = Files.walk(first)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        Files.writeString(sweep.resolve("results.csv"), id + ",objective=ppo,1,failed,3,,,,,0,,,lost\n",
                java.nio.file.StandardOpenOption.APPEND);

        Sweeps.Result kept = rlo("sweep", "--resume", sweep.toString());
        assertEquals(Main.USER_ERRORS, kept.code(), kept.out() + kept.err());
        assertTrue(kept.out().contains("2 runs, 0 to run"), kept.out());
        assertTrue(kept.out().contains(id + " objective=ppo seed 1: failed: lost"), kept.out());

        Sweeps.Result retried = rlo("sweep", "--resume", sweep.toString(), "--retry-failed");
        assertEquals(0, retried.code(), retried.out() + retried.err());
        assertTrue(retried.out().contains("2 runs, 1 to run"), retried.out());
        assertTrue(Files.readAllLines(sweep.resolve("results.csv")).getLast().startsWith(id + ",objective=ppo,1,finished,1,"));
    }

    @Test
    void dryRunPrintsTheRunsAndWritesNothing() {
        Path out = tmp.resolve("sweeps");
        Sweeps.Result r = rlo("sweep", EXAMPLE, "--dry-run", "--out", out.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().startsWith("sweep ppo_vs_spo: 20 runs, ranked by max(mean_return)\n"), r.out());
        assertTrue(r.out().contains(" --train cartpole --objective spo --set eps=0.2 --seed 5 --steps 100000\n"), r.out());
        assertFalse(Files.exists(out));
    }

    @Test
    void badUsageExitsWithTwo() {
        assertEquals(Main.USAGE, rlo("sweep").code());
        assertEquals(Main.USAGE, rlo("sweep", EXAMPLE, "--resume", tmp.toString()).code());
        assertEquals(Main.USAGE, rlo("sweep", EXAMPLE, "--threads-per-run", "0").code());
        assertEquals(Main.USAGE, rlo("sweep", tmp.resolve("none.rlo").toString()).code());
        Sweeps.Result r = rlo("sweep", EXAMPLE, "--steps", "256", "--master", "local-cluster[2]", "--out", tmp.toString());
        assertEquals(Main.USAGE, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("expected local-cluster[WORKERS,CORES,MEMORY_MB]"), r.err());
    }

    /** Spark deprecates Java 25.0.0 to 25.0.2 (JDK-8377811, G1 moving pinned objects). */
    @Test
    void refusesJava25BeforeUpdate3() {
        assertTrue(SweepCommand.jdkProblem(Runtime.Version.parse("25.0.2+10")).contains("JDK-8377811"));
        assertTrue(SweepCommand.jdkProblem(Runtime.Version.parse("25+36")).contains("not 25+36"));
        assertNull(SweepCommand.jdkProblem(Runtime.Version.parse("25.0.3+9")));
        assertNull(SweepCommand.jdkProblem(Runtime.Version.parse("26.0.1")));
    }

    @Test
    void gridValuesSplitAtCommasOutsideBrackets() {
        assertEquals(List.of("[64,64]", "[256,256]"), SweepCommand.split("[64,64],[256,256]"));
        assertEquals(List.of("1e-3", "3e-4"), SweepCommand.split("1e-3, 3e-4"));
        assertEquals(List.of("ppo"), SweepCommand.split("ppo"));
    }

    @Test
    void sparkConfigurationEmbeddedAndOnAClusterAndTheUsersWins() {
        SparkConf local = Engine.conf(new Engine.Options("local", 2, 1, 3, Map.of()));
        assertEquals("local[2,3]", local.get("spark.master"));
        assertEquals("false", local.get("spark.ui.enabled"));
        assertEquals("127.0.0.1", local.get("spark.driver.bindAddress"));
        assertFalse(local.contains("spark.executor.extraClassPath"));
        SparkConf cluster = Engine.conf(new Engine.Options("spark://head:7077", 2, 4, 5, Map.of("spark.ui.enabled", "true")));
        assertEquals("spark://head:7077", cluster.get("spark.master"));
        assertEquals("5", cluster.get("spark.task.maxFailures"));
        assertEquals("4", cluster.get("spark.task.cpus"));
        assertTrue(cluster.get("spark.executor.extraJavaOptions").startsWith("-Drlo.threads=4 "), cluster.get("spark.executor.extraJavaOptions"));
        assertEquals(System.getProperty("java.class.path"), cluster.get("spark.executor.extraClassPath"));
        assertFalse(cluster.contains("spark.driver.host"), "a cluster's executors must reach the driver");
        assertEquals("true", cluster.get("spark.ui.enabled"));
    }

    @Test
    void sparksFailureReasonIsItsMostRecentFailureInOneLine() {
        String m = "Job aborted due to stage failure: Task 0 in stage 3.0 failed 3 times, most recent failure: Lost task 0.2"
                + " in stage 3.0 (TID 5) (127.0.0.1 executor driver): java.lang.IllegalStateException: injected\n\tat x.y(Z.java:1)";
        assertEquals("Lost task 0.2 in stage 3.0 (TID 5) (127.0.0.1 executor driver): java.lang.IllegalStateException: injected",
                Engine.reason(new RuntimeException(m)));
    }

    @Test
    void csvFieldsKeepQuotedCommas() {
        assertEquals(List.of("a", "network.hidden=[64,64]", "say \"hi\"", ""), SweepDir.fields("a,\"network.hidden=[64,64]\",\"say \"\"hi\"\"\","));
    }
}
