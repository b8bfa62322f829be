package dev.rlo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code rlo train} on tiny budgets: its outputs, determinism, resumption after SIGKILL, and mismatch errors. */
class TrainCommandTest {

    static final String PPO = "../examples/ppo-cartpole.rlo";

    @TempDir
    Path tmp;

    @Test
    void writesMetricsCurveCheckpointAndSummary() throws IOException {
        Path out = tmp.resolve("run");
        CliTest.Run r = CliTest.rlo("train", PPO, "--steps", "2048", "--out", out.toString(), "--eval-episodes", "2");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("greedy evaluation: mean return"), r.out());
        List<String> csv = Files.readAllLines(out.resolve("metrics.csv"));
        assertEquals("global_step,charts/episodic_return,charts/episodic_length,charts/learning_rate,losses/loss,"
                + "losses/entropy,losses/ppo_clip.clip_fraction,losses/ppo_clip.approx_kl,losses/grad_norm,charts/SPS", csv.getFirst());
        assertEquals(2048 / 256, csv.size() - 1, "one row per rollout of 8 envs × 32 steps");
        assertTrue(csv.getLast().startsWith("2048,"), csv.getLast());
        BufferedImage png = ImageIO.read(out.resolve("curve.png").toFile());
        assertEquals(800, png.getWidth());
        assertEquals(480 + 2 * 260, png.getHeight(), "the return, then the loss and three reports, two to a row");
        assertTrue(Files.size(out.resolve("checkpoint.bin")) > 10_000);
        assertTrue(Files.readString(out.resolve("summary.json")).contains("\"steps\": 2048"));
        assertFalse(Files.exists(out.resolve("checkpoint.bin.tmp")));
    }

    /** Every example's train block runs end to end on a tiny budget (off-policy ones past learning_starts). */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"ppo-cartpole.rlo, ppo_cartpole, 512", "dqn-cartpole.rlo, dqn_cartpole, 1536",
            "qr-dqn.rlo, qr_dqn_cartpole, 1536", "a2c-acrobot.rlo, a2c_acrobot, 800",
            "cvar-lottery.rlo, mean_lottery, 640", "cvar-lottery.rlo, cvar_lottery, 640",
            "qae.rlo, grpo_digits, 1024", "qae.rlo, qae_digits, 1024", "dpo-digits.rlo, dpo_digits, 4096",
            "ppo-pendulum.rlo, ppo_pendulum, 4096", "c51-cartpole.rlo, c51_cartpole, 1536",
            "iqn-cartpole.rlo, iqn_cartpole, 1536"})
    void everyExampleTrains(String file, String block, String steps) throws IOException {
        Path out = tmp.resolve(block);
        CliTest.Run r = CliTest.rlo("train", "../examples/" + file, "--train", block, "--steps", steps,
                "--out", out.toString(), "--eval-episodes", "1");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(Files.readAllLines(out.resolve("metrics.csv")).size() > 1);
        assertTrue(Files.readString(out.resolve("summary.json")).contains("\"eval_mean_return\""));
    }

    @Test
    void sameSeedSameRun() throws IOException {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        assertEquals(0, CliTest.rlo("train", PPO, "--steps", "1536", "--out", a.toString(), "--eval-episodes", "1").code());
        assertEquals(0, CliTest.rlo("train", PPO, "--steps", "1536", "--out", b.toString(), "--eval-episodes", "1").code());
        assertEquals(withoutSps(a), withoutSps(b));
        assertEquals(Files.readString(a.resolve("summary.json")).replaceAll("\"seconds\": [0-9.]+", ""),
                Files.readString(b.resolve("summary.json")).replaceAll("\"seconds\": [0-9.]+", ""));
    }

    /**
     * A run killed with SIGKILL right after its first checkpoint, then resumed, ends exactly as a run
     * never interrupted: the same metrics rows (none lost, none doubled) and the same evaluation. For
     * the off-policy loop the checkpoint carries the replay buffer and the target network too.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"ppo-cartpole.rlo, 6144", "dqn-cartpole.rlo, 4096"})
    void resumesAfterSigkillAsIfNeverStopped(String file, String steps) throws Exception {
        Path killed = tmp.resolve("killed");
        Path whole = tmp.resolve("whole");
        String[] args = {"train", "../examples/" + file, "--steps", steps, "--checkpoint-every", "512", "--eval-episodes", "2"};
        List<String> childArgs = new ArrayList<>(Arrays.asList(args));
        childArgs.addAll(List.of("--out", killed.toString()));
        Process p = child(childArgs.toArray(String[]::new));
        waitFor(killed.resolve("checkpoint.bin"), p);
        p.destroyForcibly().waitFor();   // SIGKILL on Linux: no shutdown hook runs
        assertFalse(Files.exists(killed.resolve("summary.json")), "the child finished before it was killed");

        List<String> resumeArgs = new ArrayList<>(Arrays.asList(args));
        resumeArgs.addAll(List.of("--out", killed.toString(), "--resume"));
        CliTest.Run resumed = CliTest.rlo(resumeArgs.toArray(String[]::new));
        assertEquals(0, resumed.code(), resumed.out() + resumed.err());
        List<String> wholeArgs = new ArrayList<>(Arrays.asList(args));
        wholeArgs.addAll(List.of("--out", whole.toString()));
        assertEquals(0, CliTest.rlo(wholeArgs.toArray(String[]::new)).code());
        assertEquals(withoutSps(whole), withoutSps(killed));
        assertEquals(Files.readString(whole.resolve("summary.json")).replaceAll("\"seconds\": [0-9.]+", ""),
                Files.readString(killed.resolve("summary.json")).replaceAll("\"seconds\": [0-9.]+", ""));
    }

    /** The risk showcase on a small budget: the mean objective learns the lottery, CVaR the safe arm. */
    @Test
    void cvarAndMeanDisagreeOnTheLottery() throws IOException {
        for (String block : List.of("mean_lottery", "cvar_lottery")) {
            Path out = tmp.resolve(block);
            CliTest.Run r = CliTest.rlo("train", "../examples/cvar-lottery.rlo", "--train", block, "--steps", "12800",
                    "--out", out.toString(), "--eval-episodes", "20");
            assertEquals(0, r.code(), r.out() + r.err());
            String share = block.equals("cvar_lottery") ? "[1.0000, 0.0000]" : "[0.0000, 1.0000]";
            assertTrue(Files.readString(out.resolve("summary.json")).contains("\"eval_action_share\": " + share),
                    block + ": " + Files.readString(out.resolve("summary.json")));
        }
    }

    /** GRPO and QAE raise the digits task's pass rate from the random policy's 5% to ≥ 90% (40k completions). */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"grpo_digits", "qae_digits"})
    void groupObjectivesLearnTheDigitsTask(String block) throws IOException {
        Path out = tmp.resolve(block);
        CliTest.Run r = CliTest.rlo("train", "../examples/qae.rlo", "--train", block, "--steps", "40000", "--out", out.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        String summary = Files.readString(out.resolve("summary.json"));
        double pass = Double.parseDouble(summary.replaceAll("(?s).*\"eval_mean_return\": ([0-9.]+).*", "$1"));
        assertTrue(pass >= 0.9, summary);
        String first = Files.readAllLines(out.resolve("metrics.csv")).get(1).split(",")[1];
        assertTrue(Double.parseDouble(first) < 0.2, "the untrained policy passes about 5%, not " + first);
    }

    /** SIGTERM (as Ctrl-C's SIGINT) stops after the current iteration with a checkpoint and the curve written. */
    @Test
    void stopsCleanlyOnSigterm() throws Exception {
        Path out = tmp.resolve("stopped");
        Process p = child("train", PPO, "--steps", "200000", "--checkpoint-every", "512", "--out", out.toString());
        waitFor(out.resolve("checkpoint.bin"), p);
        p.destroy();   // SIGTERM: the shutdown hook runs
        p.waitFor();
        String log = Files.readString(tmp.resolve("child.log"));
        assertTrue(log.contains("interrupted at step"), log);
        assertTrue(log.contains("continue with --resume --out " + out), log);
        assertTrue(ImageIO.read(out.resolve("curve.png").toFile()).getWidth() > 0);
        assertFalse(Files.exists(out.resolve("summary.json")));
        CliTest.Run resumed = CliTest.rlo("train", PPO, "--steps", "200000", "--checkpoint-every", "512",
                "--out", out.toString(), "--resume", "--set", "loop.epochs=1");
        assertEquals(Main.USER_ERRORS, resumed.code(), "a changed experiment does not resume");
        assertTrue(resumed.err().contains("a checkpoint of a different experiment"), resumed.err());
    }

    /** The rlo CLI in a child JVM with this one's flags and class path; its output goes to child.log. */
    private Process child(String... args) throws IOException {
        return new ProcessBuilder(CliTest.childCommand(args)).redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
    }

    private void waitFor(Path file, Process p) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!Files.exists(file) && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(Files.exists(file), Files.readString(tmp.resolve("child.log")));
    }

    /**
     * An objective imported from the standard library trains (before, `rlo check` accepted the block
     * and `rlo train` said "no objective `dpo`"), with its reports in metrics.csv; a local wrapper
     * around it trains the same run, bit for bit, and keeps the wrapped objective's reports under its
     * name (before, they were dropped).
     */
    @Test
    void importedObjectivesAndWrappersAroundThemTrainWithTheirReports() throws IOException {
        String block = "train t {\n  env = digits(length: 2, base: 10)\n  loop = preference(pairs: 64, samples: 8, batch: 32)\n"
                + "  objective = OBJ(beta: 0.5)\n  steps = 192\n}\n";
        Path direct = tmp.resolve("direct.rlo");
        Files.writeString(direct, "import std.preference.{dpo}\n\n" + block.replace("OBJ", "dpo"));
        Path wrapped = tmp.resolve("wrapped.rlo");
        Files.writeString(wrapped, "import std.preference.{dpo}\n\n"
                + "objective mine(logp_w: f32[P] grad, logp_l: f32[P] grad, ref_w: f32[P], ref_l: f32[P], beta = 0.1) {\n"
                + "  dpo(logp_w, logp_l, ref_w, ref_l, beta: beta)\n}\n\n" + block.replace("OBJ", "mine"));
        for (Path file : List.of(direct, wrapped)) {
            CliTest.Run r = CliTest.rlo("train", file.toString(), "--out", tmp.resolve(file.getFileName() + ".run").toString(),
                    "--eval-episodes", "1");
            assertEquals(0, r.code(), r.out() + r.err());
        }
        List<String> a = Files.readAllLines(tmp.resolve("direct.rlo.run/metrics.csv"));
        List<String> b = Files.readAllLines(tmp.resolve("wrapped.rlo.run/metrics.csv"));
        assertEquals("global_step,charts/episodic_return,charts/learning_rate,losses/loss,losses/reward_accuracy,"
                + "losses/reward_margin,losses/grad_norm,charts/SPS", a.getFirst());
        assertEquals(a.getFirst().replace("losses/reward_", "losses/dpo.reward_"), b.getFirst());
        assertEquals(withoutSps(tmp.resolve("direct.rlo.run")).lines().skip(1).toList(),
                withoutSps(tmp.resolve("wrapped.rlo.run")).lines().skip(1).toList());
        assertTrue(a.size() > 2, "several iterations: " + a);
    }

    /** --seeds N runs seeds 1 to N into DIR/seedS and ends with their summary over seeds. */
    @Test
    void seedsRunOneAfterAnotherAndAreSummarised() throws IOException {
        Path out = tmp.resolve("seeds");
        CliTest.Run r = CliTest.rlo("train", PPO, "--seeds", "2", "--steps", "512", "--out", out.toString(), "--eval-episodes", "1");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("ppo_cartpole seed 1: 512 steps"), r.out());
        assertTrue(r.out().contains("ppo_cartpole seed 2: 512 steps"), r.out());
        assertTrue(r.out().matches("(?s).*rank  configuration +n +IQM  95% CI .*\\n   1  ppo_cartpole +2/2 .*"), r.out());
        Path one = tmp.resolve("one");
        assertEquals(0, CliTest.rlo("train", PPO, "--seed", "2", "--steps", "512", "--out", one.toString(), "--eval-episodes", "1").code());
        assertEquals(withoutSps(one), withoutSps(out.resolve("seed2")), "seed 2 of --seeds is the run of --seed 2");
        assertEquals(Main.USAGE, CliTest.rlo("train", PPO, "--seeds", "2", "--seed", "3").code());
        assertEquals(Main.USAGE, CliTest.rlo("train", PPO, "--seeds", "0").code());
    }

    /** --objective trains another objective of the file, without the hyper-parameters the block gave its own. */
    @Test
    void objectiveReplacesTheBlocksObjective() {
        String file = "../examples/sweep-ppo-vs-spo.rlo";
        Path out = tmp.resolve("spo");
        CliTest.Run r = CliTest.rlo("train", file, "--objective", "spo", "--set", "eps=0.1", "--steps", "256", "--out", out.toString(),
                "--eval-episodes", "1");
        assertEquals(0, r.code(), r.out() + r.err());
        CliTest.Run fn = CliTest.rlo("train", file, "--objective", "advantages", "--steps", "256");
        assertEquals(Main.USER_ERRORS, fn.code());
        assertTrue(fn.err().contains("no objective `advantages`"), fn.err());
        CliTest.Run hyper = CliTest.rlo("train", PPO, "--objective", "ppo", "--set", "ent_coef=0.1", "--steps", "256",
                "--out", tmp.resolve("ppo").toString(), "--eval-episodes", "1");
        assertEquals(0, hyper.code(), hyper.out() + hyper.err());
    }

    /** F28: a second training on the same --out, started while the first runs, is refused and writes nothing. */
    @Test
    void twoTrainingsNeverShareARunDirectory() throws Exception {
        Path out = tmp.resolve("shared");
        Process first = child("train", PPO, "--steps", "200000", "--seed", "1", "--out", out.toString());
        try {
            waitFor(out.resolve("metrics.csv"), first);
            long rows = Files.size(out.resolve("metrics.csv"));
            CliTest.Run second = CliTest.rlo("train", PPO, "--steps", "200000", "--seed", "2", "--out", out.toString());
            assertEquals(Main.USER_ERRORS, second.code());
            assertEquals("rlo: " + out + " is in use by another rlo train (it holds " + out.resolve(".lock")
                    + "); wait for it to end, or choose another --out\n", second.err());
            assertTrue(Files.size(out.resolve("metrics.csv")) >= rows, "the first run's rows are its own");
        } finally {
            first.destroyForcibly().waitFor();
        }
    }

    /** F22: a checkpoint changed after it was written is not resumed from; the error names it. */
    @Test
    void aDamagedCheckpointIsNotResumed() throws IOException {
        Path out = tmp.resolve("damaged");
        assertEquals(0, CliTest.rlo("train", PPO, "--steps", "512", "--out", out.toString(), "--eval-episodes", "1").code());
        Path ckpt = out.resolve("checkpoint.bin");
        byte[] b = Files.readAllBytes(ckpt);
        b[b.length / 2] ^= 1;
        Files.write(ckpt, b);
        CliTest.Run r = CliTest.rlo("train", PPO, "--steps", "512", "--out", out.toString(), "--resume");
        assertEquals(Main.USER_ERRORS, r.code());
        assertEquals("rlo: " + ckpt + " is damaged: its checksum does not match its contents (cut short, changed or appended to"
                + " since it was written); start a new run with --out, or restore the file\n", r.err());
    }

    /** F23: a disk that fills up (here /dev/full, which fails every write) is one line naming the file, exit 1. */
    @Test
    void aFullDiskNamesTheFile() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("/dev/full")), "no /dev/full on this system");
        Path out = Files.createDirectories(tmp.resolve("full"));
        Files.createSymbolicLink(out.resolve("metrics.csv"), Path.of("/dev/full"));
        CliTest.Run r = CliTest.rlo("train", PPO, "--steps", "512", "--out", out.toString());
        assertEquals(Main.USER_ERRORS, r.code(), r.err());
        assertEquals("rlo: cannot write " + out.resolve("metrics.csv") + ": No space left on device\n", r.err());
    }

    @Test
    void refusesToOverwriteARun() {
        Path out = tmp.resolve("run");
        assertEquals(0, CliTest.rlo("train", PPO, "--steps", "256", "--out", out.toString(), "--eval-episodes", "1").code());
        CliTest.Run again = CliTest.rlo("train", PPO, "--steps", "256", "--out", out.toString());
        assertEquals(Main.USER_ERRORS, again.code());
        assertTrue(again.err().contains("already holds a run; continue it with --resume"), again.err());
    }

    @Test
    void continuousPolicyOnCartPoleFailsBeforeTraining() throws IOException {
        Path file = variant("objective cont(mu: f32[B,D] grad, log_std: f32[D] grad, adv: f32[B]) {\n"
                + "  -mean(adv * sum(mu, over: D)) + mean(log_std)\n}\n", "cont");
        CliTest.Run r = CliTest.rlo("train", file.toString(), "--out", tmp.resolve("never").toString());
        assertEquals(Main.USER_ERRORS, r.code(), r.err());
        assertTrue(r.out().contains(":2:16: error: `mu` is an input of a continuous-action policy, but CartPole-v1"
                + " has actions Discrete(2)"), r.out());
        assertFalse(Files.exists(tmp.resolve("never")), "nothing is written before the check passes");
    }

    @Test
    void discretePolicyOnPendulumFailsBeforeTraining() throws IOException {
        String text = Files.readString(Path.of(PPO)).replace("cartpole(envs: 8)", "pendulum(envs: 8)");
        Path file = tmp.resolve("p.rlo");
        Files.writeString(file, text);
        CliTest.Run r = CliTest.rlo("train", file.toString());
        assertEquals(Main.USER_ERRORS, r.code());
        assertTrue(r.out().contains("error: `logits` is an input of a discrete-action policy, but Pendulum-v1 has actions"
                + " Box(-2.0, 2.0, (1,))"), r.out());
        assertTrue(r.out().contains("hint: on Pendulum-v1 the policy is `mu: f32[B, D] grad`"), r.out());
    }

    @Test
    void inputNoLoopProvidesIsNamedWithWhatIsOffered() throws IOException {
        Path file = variant("objective odd(logits: f32[B,A] grad, bonus: f32[B]) {\n"
                + "  -mean(bonus * logsumexp(logits, over: A))\n}\n", "odd");
        CliTest.Run r = CliTest.rlo("train", file.toString());
        assertEquals(Main.USER_ERRORS, r.code());
        assertTrue(r.out().contains("error: on_policy provides no input `bonus`"), r.out());
        assertTrue(r.out().contains("hint: it provides logits, value, action, old_logp"), r.out());
    }

    @Test
    void stageThatIsNotPerStepIsRefused() throws IOException {
        String text = Files.readString(Path.of(PPO))
                .replace("gamma = 0.98, lambda = 0.8) -> f32[T,E] {", "gamma = 0.98, lambda = 0.8) -> f32[E] {")
                .replace("  gae(reward, value, next_value, terminated, truncated, gamma: gamma, lambda: lambda)",
                        "  sum(gae(reward, value, next_value, terminated, truncated, gamma: gamma, lambda: lambda), over: T)");
        Path file = tmp.resolve("s.rlo");
        Files.writeString(file, text);
        CliTest.Run r = CliTest.rlo("train", file.toString());
        assertEquals(Main.USER_ERRORS, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("error: the rollout stage `advantages` returns f32[E]; it must return the advantages"
                + " as f32 over [T, E]"), r.out());
    }

    @Test
    void nonPositiveLearningRateIsRefused() throws IOException {
        CliTest.Run r = CliTest.rlo("train", PPO, "--set", "optimizer.lr=0");
        assertEquals(Main.USER_ERRORS, r.code());
        assertTrue(r.out().contains("error: --set `lr` of `adam` takes a learning rate above 0"), r.out());
    }

    @Test
    void unknownEnvironmentArgumentIsReportedAtItsLine() throws IOException {
        String text = Files.readString(Path.of(PPO)).replace("cartpole(envs: 8)", "cartpole(envs: 8, gravity: 3)");
        Path file = tmp.resolve("g.rlo");
        Files.writeString(file, text);
        CliTest.Run r = CliTest.rlo("train", file.toString());
        assertEquals(Main.USER_ERRORS, r.code());
        assertTrue(r.out().contains("error: `cartpole` has no argument `gravity`"), r.out());
        assertTrue(r.out().contains("hint: it takes envs"), r.out());
    }

    /** A file with {@code objective} and a train block that runs it with PPO's settings. */
    private Path variant(String objective, String name) throws IOException {
        String text = "import std.advantage.{gae}\n" + objective
                + "fn advantages(reward: f32[T,E], value: f32[T,E], next_value: f32[T,E], terminated: bool[T,E],"
                + " truncated: bool[T,E]) -> f32[T,E] {\n  gae(reward, value, next_value, terminated, truncated)\n}\n"
                + "train t {\n  env = cartpole(envs: 2)\n  loop = on_policy(steps: 8, advantages: advantages)\n"
                + "  objective = " + name + "\n  steps = 64\n}\n";
        Path file = tmp.resolve(name + ".rlo");
        Files.writeString(file, text);
        return file;
    }

    private static String withoutSps(Path run) throws IOException {
        return Files.readAllLines(run.resolve("metrics.csv")).stream()
                .map(l -> l.substring(0, l.lastIndexOf(','))).collect(Collectors.joining("\n"));
    }
}
