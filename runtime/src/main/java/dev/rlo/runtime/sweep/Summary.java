package dev.rlo.runtime.sweep;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A sweep's results by configuration ({@code summary.csv}, and the table {@code rlo sweep} prints):
 * the {@link Stats} of the metric over the seeds that finished, configurations ranked by their IQM
 * (then their mean), best first; configurations with no finished run come last, unranked.
 */
public record Summary(Metric metric, List<Entry> entries) {

    /** One configuration: its rank (0 when nothing finished), how many runs it has, and the statistics of those that finished. */
    public record Entry(int rank, String config, int runs, Stats stats) { }

    /** The summary of {@code rows} (the latest row of each run) for the configurations of {@code plan}. */
    public static Summary of(List<Run> plan, Collection<Row> rows, Metric metric) {
        Map<String, List<Double>> scores = new LinkedHashMap<>();
        Map<String, Integer> runs = new LinkedHashMap<>();
        for (Run r : plan) {
            scores.putIfAbsent(r.config(), new ArrayList<>());
            runs.merge(r.config(), 1, Integer::sum);
        }
        for (Row row : rows) {
            double v = row.status() == Row.Status.finished ? row.score(metric.name()) : Double.NaN;
            if (!Double.isNaN(v) && scores.containsKey(row.config())) {
                scores.get(row.config()).add(v);
            }
        }
        List<Entry> done = new ArrayList<>();
        List<Entry> none = new ArrayList<>();
        scores.forEach((config, values) -> {
            Stats s = Stats.of(values.stream().mapToDouble(Double::doubleValue).toArray());
            (s.n() == 0 ? none : done).add(new Entry(0, config, runs.get(config), s));
        });
        Comparator<Entry> order = Comparator.<Entry>comparingDouble(e -> e.stats().iqm()).thenComparingDouble(e -> e.stats().mean());
        done.sort(metric.max() ? order.reversed() : order);
        List<Entry> ranked = new ArrayList<>();
        for (int i = 0; i < done.size(); i++) {
            ranked.add(new Entry(i + 1, done.get(i).config(), done.get(i).runs(), done.get(i).stats()));
        }
        ranked.addAll(none);
        return new Summary(metric, ranked);
    }

    /** {@code summary.csv}: a header, then a row per configuration in rank order. */
    public String csv() {
        StringBuilder out = new StringBuilder("rank,configuration,metric,n,runs,iqm,ci_low,ci_high,mean,std,min,max\n");
        for (Entry e : entries) {
            Stats s = e.stats();
            out.append(e.rank() == 0 ? "" : Integer.toString(e.rank())).append(',').append(quote(e.config())).append(',')
                    .append(metric).append(',').append(s.n()).append(',').append(e.runs());
            for (double v : new double[] {s.iqm(), s.ciLow(), s.ciHigh(), s.mean(), s.std(), s.min(), s.max()}) {
                out.append(',').append(Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v));
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** The table {@code rlo sweep} prints: one line per configuration, aligned. */
    public String table() {
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"rank", "configuration", "n", "IQM", "95% CI", "mean", "std", "min", "max"});
        for (Entry e : entries) {
            Stats s = e.stats();
            lines.add(new String[] {e.rank() == 0 ? "-" : Integer.toString(e.rank()), e.config(), s.n() + "/" + e.runs(),
                    num(s.iqm()), s.n() == 0 ? "-" : "[" + num(s.ciLow()) + ", " + num(s.ciHigh()) + "]", num(s.mean()),
                    num(s.std()), num(s.min()), num(s.max())});
        }
        int[] width = new int[lines.getFirst().length];
        for (String[] l : lines) {
            for (int i = 0; i < l.length; i++) {
                width[i] = Math.max(width[i], l[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] l : lines) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < l.length; i++) {
                boolean left = i == 1 || i == 4;
                line.append(i == 0 ? "" : "  ").append(String.format(left ? "%-" + width[i] + "s" : "%" + width[i] + "s", l[i]));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }

    /** A CSV field: quoted when it holds a comma or a quote. */
    public static String quote(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
