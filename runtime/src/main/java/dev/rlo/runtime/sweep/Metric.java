package dev.rlo.runtime.sweep;

import dev.rlo.compiler.check.SweepChecker;
import java.util.List;

/**
 * What ranks a sweep's configurations: one of {@link #NAMES}, to maximise or minimise, aggregated
 * over seeds by its interquartile mean ({@link Stats}).
 */
public record Metric(String name, boolean max) {

    public static final List<String> NAMES = SweepChecker.METRICS;
    public static final Metric DEFAULT = new Metric("eval_mean_return", true);

    /** {@code max(NAME)}, {@code min(NAME)} or a bare {@code NAME} (maximised), as written in a sweep block. */
    public static Metric parse(String text) {
        String t = text.replaceAll("\\s", "");
        boolean min = t.startsWith("min(");
        String name = t.startsWith("max(") || min ? t.substring(4, t.length() - 1) : t;
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("no metric " + text);
        }
        return new Metric(name, !min);
    }

    @Override
    public String toString() {
        return (max ? "max(" : "min(") + name + ")";
    }
}
