package dev.rlo.sweep;

import dev.rlo.runtime.sweep.Row;
import dev.rlo.runtime.sweep.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Runs a sweep's runs on Apache Spark: each run one task in a job of its own (so that a run that
 * fails for good fails alone), submitted in plan order to Spark's FIFO scheduler, which starts them
 * as cores free up. {@code local} (the default) is a Spark embedded in this JVM, {@code local[P,A]}:
 * P runs at once, A attempts each, loopback only, no UI. Other masters ({@code local-cluster[W,C,MB]},
 * {@code spark://…}, {@code yarn}, {@code k8s://…}) run tasks in executor JVMs, which get this JVM's
 * class path and {@code rlo.*} properties, {@code rlo.threads} set to the threads per run.
 */
final class Engine implements AutoCloseable {

    /** How to start Spark: the master as given, runs at once (local), threads per run, attempts per run, --conf pairs. */
    record Options(String master, int parallel, int threads, int attempts, Map<String, String> conf) { }

    private static final Pattern LOCAL_CLUSTER = Pattern.compile("local-cluster\\[\\s*(\\d+)\\s*,\\s*(\\d+)\\s*,\\s*(\\d+)\\s*]");

    private final JavaSparkContext sc;

    private Engine(JavaSparkContext sc) {
        this.sc = sc;
    }

    /**
     * The Spark configuration for {@code o}: Spark's {@code spark.*} system properties (spark-submit
     * passes its settings so), rlo's defaults where those are silent, and {@code --conf} over all.
     */
    static SparkConf conf(Options o) {
        boolean local = o.master().equals("local");
        SparkConf conf = new SparkConf().setAppName("rlo-sweep")
                .setMaster(local ? "local[" + o.parallel() + "," + o.attempts() + "]" : o.master())
                .setIfMissing("spark.ui.enabled", "false")
                .setIfMissing("spark.task.maxFailures", Integer.toString(o.attempts()));
        if (o.master().startsWith("local")) {
            conf.setIfMissing("spark.driver.host", "127.0.0.1").setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        if (!local) {
            StringBuilder props = new StringBuilder("-Drlo.threads=" + o.threads());
            System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("rlo.") && !k.equals("rlo.threads"))
                    .sorted().forEach(k -> props.append(" -D").append(k).append('=').append(System.getProperty(k)));
            conf.setIfMissing("spark.task.cpus", Integer.toString(o.threads()))
                    .setIfMissing("spark.executor.extraJavaOptions", props.toString())
                    .setIfMissing("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                    .setIfMissing("spark.executorEnv.SPARK_SCALA_VERSION", "2.13");
        }
        o.conf().forEach(conf::set);
        return conf;
    }

    /** Starts Spark; throws {@link IllegalArgumentException} for a master this machine cannot start. */
    static Engine start(Options o) {
        Matcher m = LOCAL_CLUSTER.matcher(o.master());
        if (o.master().startsWith("local-cluster") && !m.matches()) {
            throw new IllegalArgumentException("--master " + o.master() + ": expected local-cluster[WORKERS,CORES,MEMORY_MB]");
        }
        if (m.matches()) {
            String home = System.getenv("SPARK_HOME");
            if (home == null || !Files.isDirectory(Path.of(home, "jars")) || !Files.exists(Path.of(home, "RELEASE"))) {
                throw new IllegalArgumentException("--master local-cluster[…] launches executor JVMs from a Spark home: set"
                        + " SPARK_HOME to one with jars/ and RELEASE (./rlo sets it to cli/sweep/target/spark)");
            }
        }
        return new Engine(new JavaSparkContext(conf(o)));
    }

    /**
     * Runs {@code runs}, calling {@code finished} with each run's row as it ends, in the order they end,
     * on this thread. A run whose every attempt failed ends {@code failed}, with Spark's last reason.
     */
    void run(List<Run> runs, RunTask task, int attempts, Consumer<Row> finished) throws InterruptedException {
        BlockingQueue<Row> done = new LinkedBlockingQueue<>();
        for (Run run : runs) {
            sc.setJobDescription(run.id() + " " + run.config() + " seed " + run.seed());
            JavaFutureAction<List<Row>> job = sc.parallelize(List.of(run), 1).map(task).collectAsync();
            Thread.ofVirtual().start(() -> done.add(outcome(run, job, attempts)));
        }
        for (int i = 0; i < runs.size(); i++) {
            finished.accept(done.take());
        }
    }

    private static Row outcome(Run run, JavaFutureAction<List<Row>> job, int attempts) {
        try {
            return job.get().getFirst();
        } catch (ExecutionException e) {
            return Row.ended(run, Row.Status.failed, attempts, 0, "", reason(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Row.ended(run, Row.Status.failed, attempts, 0, "", "interrupted");
        } catch (RuntimeException e) {
            return Row.ended(run, Row.Status.failed, attempts, 0, "", reason(e));
        }
    }

    /** Spark's "most recent failure" of a job, in one line. */
    static String reason(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int at = m.indexOf("most recent failure: ");
        String line = (at >= 0 ? m.substring(at + "most recent failure: ".length()) : m).lines().findFirst().orElse("");
        return line.strip();
    }

    /** The master Spark runs on: {@code local[2,3]}, {@code spark://…}. */
    String master() {
        return sc.master();
    }

    @Override
    public void close() {
        sc.stop();
    }
}
