package dev.rlo.sweep;

import dev.rlo.compiler.base.UserError;
import dev.rlo.compiler.io.Json;
import dev.rlo.runtime.sweep.Metric;
import dev.rlo.runtime.sweep.Row;
import dev.rlo.runtime.sweep.Run;
import dev.rlo.runtime.sweep.Summary;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A sweep's directory, {@code sweeps/NAME__YYYYMMDD-HHMMSS/} (spec/cli.md#sweep): {@code sweep.json}
 * (the plan: every run, the source, its hash, rlo's version), {@code runs/ID/} (ordinary run
 * directories), {@code results.csv} (a row per run, appended and forced to disk as each ends; a run
 * that ends again, after {@code --resume --retry-failed}, has a later row), {@code summary.csv} and
 * {@code curves.png}.
 */
final class SweepDir {

    /** What sweep.json holds besides the runs: also each run's checkpoint interval (null: a tenth) and evaluation. */
    record Header(String name, String file, List<String> libraryPath, String sourcesSha256, Metric metric, String rlo,
                  Long checkpointEvery, int evalEpisodes) { }

    private static final List<String> RESULT_COLUMNS = List.of("run", "configuration", "seed", "status", "attempts",
            "eval_mean_return", "eval_std_return", "final_return", "mean_return", "steps", "seconds", "worker", "message");

    final Path dir;
    final Header header;
    final List<Run> runs;

    private SweepDir(Path dir, Header header, List<Run> runs) {
        this.dir = dir;
        this.header = header;
        this.runs = runs;
    }

    /** A new sweep directory under {@code parent}, its sweep.json written. */
    static SweepDir create(Path parent, Header header, List<Run> runs) throws IOException {
        String time = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path dir = parent.resolve(header.name() + "__" + time);
        for (int i = 2; Files.exists(dir); i++) {
            dir = parent.resolve(header.name() + "__" + time + "-" + i);
        }
        Files.createDirectories(dir.resolve("runs"));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("rlo", header.rlo());
        json.put("sweep", header.name());
        json.put("file", header.file());
        json.put("path", header.libraryPath());
        json.put("sources_sha256", header.sourcesSha256());
        json.put("metric", header.metric().toString());
        json.put("checkpoint_every", header.checkpointEvery());
        json.put("eval_episodes", header.evalEpisodes());
        json.put("created", LocalDateTime.now().toString());
        json.put("runs", runs.stream().map(Run::toJson).toList());
        Path tmp = dir.resolve("sweep.json.tmp");
        Files.writeString(tmp, Json.write(json) + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve("sweep.json"));
        return new SweepDir(dir, header, runs);
    }

    /** The sweep directory {@code dir}, as its sweep.json describes it. */
    @SuppressWarnings("unchecked")
    static SweepDir open(Path dir) throws IOException {
        Path file = dir.resolve("sweep.json");
        if (!Files.isRegularFile(file)) {
            throw new UserError(dir + " is not a sweep directory: it has no sweep.json");
        }
        Map<String, Object> json = (Map<String, Object>) Json.parse(Files.readString(file), file.toString());
        Number every = (Number) json.get("checkpoint_every");
        Header header = new Header((String) json.get("sweep"), (String) json.get("file"), (List<String>) json.get("path"),
                (String) json.get("sources_sha256"), Metric.parse((String) json.get("metric")), (String) json.get("rlo"),
                every == null ? null : every.longValue(), ((Number) json.get("eval_episodes")).intValue());
        List<Run> runs = ((List<Map<?, ?>>) json.get("runs")).stream().map(Run::fromJson).toList();
        return new SweepDir(dir, header, runs);
    }

    Path runs() {
        return dir.resolve("runs");
    }

    /** Appends {@code row} to results.csv (with its header when new) and forces it to disk. */
    synchronized void append(Row row) throws IOException {
        Path csv = dir.resolve("results.csv");
        StringBuilder line = new StringBuilder();
        if (!Files.exists(csv)) {
            line.append(String.join(",", RESULT_COLUMNS)).append('\n');
        }
        line.append(String.join(",", List.of(row.id(), Summary.quote(row.config()), Long.toString(row.seed()),
                row.status().name(), Integer.toString(row.attempts()), num(row.evalMean()), num(row.evalStd()),
                num(row.finalReturn()), num(row.meanReturn()), Long.toString(row.steps()), num(row.seconds()),
                Summary.quote(row.worker()), Summary.quote(row.message().replaceAll("\\s+", " "))))).append('\n');
        try (FileChannel ch = FileChannel.open(csv, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(line.toString().getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
    }

    /** The latest row of each run in results.csv, by run id (empty when there is none yet). */
    Map<String, Row> results() throws IOException {
        Path csv = dir.resolve("results.csv");
        Map<String, Row> out = new LinkedHashMap<>();
        if (!Files.exists(csv)) {
            return out;
        }
        List<String> lines = Files.readAllLines(csv);
        for (String line : lines.subList(1, lines.size())) {
            List<String> f = fields(line);
            if (f.size() != RESULT_COLUMNS.size()) {
                continue; /* a line cut by a crash mid-write */
            }
            out.put(f.get(0), new Row(f.get(0), f.get(1), Long.parseLong(f.get(2)), Row.Status.valueOf(f.get(3)),
                    Integer.parseInt(f.get(4)), dbl(f.get(5)), dbl(f.get(6)), dbl(f.get(7)), dbl(f.get(8)),
                    Long.parseLong(f.get(9)), dbl(f.get(10)), f.get(11), f.get(12)));
        }
        return out;
    }

    /** Writes summary.csv and curves.png for {@code rows}. */
    void summarise(Summary summary, Map<String, Row> rows) throws IOException {
        Files.writeString(dir.resolve("summary.csv"), summary.csv(), StandardCharsets.UTF_8);
        Curves.write(this, summary, rows, dir.resolve("curves.png"));
    }

    /** The fields of a CSV line: commas split, double quotes quote (and "" is a quote). */
    static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                f.append('"');
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                out.add(f.toString());
                f.setLength(0);
            } else {
                f.append(c);
            }
        }
        out.add(f.toString());
        return out;
    }

    /** The configurations of the plan, in order. */
    Set<String> configs() {
        Set<String> out = new LinkedHashSet<>();
        runs.forEach(r -> out.add(r.config()));
        return out;
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : Double.toString(v);
    }

    private static double dbl(String s) {
        return s.isEmpty() ? Double.NaN : Double.parseDouble(s);
    }
}
