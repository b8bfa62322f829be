package dev.rlo.runtime.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rlo.runtime.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rows from a run's files, and the summary by configuration: ranking, unfinished runs, the CSV. */
class SummaryTest {

    static Run run(String config, long seed) {
        return Run.of((int) seed, 9, config, "t", null, Map.of(), seed, 100);
    }

    static Row row(Run r, Row.Status status, double eval) {
        return new Row(r.id(), r.config(), r.seed(), status, 1, eval, 0, eval, eval, 100, 1, "w", "");
    }

    /** final_return averages the last 10 iterations with an episode, mean_return all of them (by hand: 1..12). */
    @Test
    void finishedRowReadsItsReturnsFromMetricsCsv(@TempDir Path dir) throws IOException {
        StringBuilder csv = new StringBuilder("global_step,charts/episodic_return,losses/loss\n");
        for (int i = 1; i <= 12; i++) {
            csv.append(i * 10).append(',').append(i).append(",0.5\n");
            if (i == 6) {
                csv.append("65,,0.5\n");   // an iteration in which no episode ended
            }
        }
        Files.writeString(dir.resolve("metrics.csv"), csv);
        Row r = Row.finished(run("a", 1), 2, new Trainer.Summary(120, 40, 3.5, 99, 1, 10, new double[0], false),
                dir.resolve("metrics.csv"), "w");
        assertEquals(7.5, r.finalReturn(), 1e-12);                         // mean of 3..12
        assertEquals(6.5, r.meanReturn(), 1e-12);                          // mean of 1..12
        assertEquals(99, r.score("eval_mean_return"));
        assertEquals(2, r.attempts());
    }

    @Test
    void configurationsAreRankedByIqmAndUnfinishedOnesComeLast() {
        List<Run> plan = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        for (String config : List.of("low", "high", "broken")) {
            for (long seed = 1; seed <= 3; seed++) {
                Run r = run(config, seed);
                plan.add(r);
                rows.add(row(r, config.equals("broken") ? Row.Status.diverged : Row.Status.finished,
                        (config.equals("high") ? 100 : 10) * seed));
            }
        }
        Summary max = Summary.of(plan, rows, new Metric("eval_mean_return", true));
        assertEquals(List.of("high", "low", "broken"), max.entries().stream().map(Summary.Entry::config).toList());
        assertEquals(List.of(1, 2, 0), max.entries().stream().map(Summary.Entry::rank).toList());
        assertEquals(200, max.entries().getFirst().stats().iqm(), 1e-12);
        Summary min = Summary.of(plan, rows, new Metric("final_return", false));
        assertEquals(List.of("low", "high", "broken"), min.entries().stream().map(Summary.Entry::config).toList());
        String[] csv = min.csv().split("\n");
        assertEquals("rank,configuration,metric,n,runs,iqm,ci_low,ci_high,mean,std,min,max", csv[0]);
        assertEquals(",broken,min(final_return),0,3,,,,,,,", csv[3]);
    }

    @Test
    void csvFieldsWithCommasAreQuoted() {
        assertEquals("\"network.hidden=[64,64]\"", Summary.quote("network.hidden=[64,64]"));
        assertEquals("plain", Summary.quote("plain"));
    }
}
