package dev.rlo.runtime.out;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The progress bar of {@code rlo train}, on standard error:
 * <pre>
 * ppo_cartpole  42% |██████████▌              | 42.0k/100k steps · 3.1k steps/s · 210 episodes · return 187.3 · loss 0.0123 · 0:14<0:19
 * </pre>
 * On a terminal the line is redrawn in place at most ten times a second, cut to the terminal's width
 * (a wrapped line could not be redrawn); otherwise (a log file, CI) a line is printed after the
 * first iteration and at every tenth of the budget.
 */
public final class Progress {

    private static final int WIDTH = 25;
    private static final String[] PARTIAL = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};

    private final PrintStream out;
    private final boolean terminal;
    private final int columns;
    private final String name;
    private final long budget;
    private final long startSteps;
    private final long startNanos = System.nanoTime();
    private long lastDraw;
    private int lastTenth = -1;

    /** {@code columns}: the terminal's width, or 0 when unknown or not a terminal. */
    public Progress(PrintStream out, boolean terminal, int columns, String name, long budget, long startSteps) {
        this.out = out;
        this.terminal = terminal;
        this.columns = columns;
        this.name = name;
        this.budget = budget;
        this.startSteps = startSteps;
    }

    /** Shows the state after an iteration; {@code recentReturn} and {@code loss} may be NaN. */
    public void update(long steps, long episodes, double recentReturn, double loss) {
        long now = System.nanoTime();
        boolean finished = steps >= budget;
        int tenth = (int) Math.min(10, steps * 10 / budget);
        if (terminal ? !finished && now - lastDraw < 100_000_000L : tenth == lastTenth) {
            return;
        }
        lastDraw = now;
        lastTenth = tenth;
        String line = line(steps, episodes, recentReturn, loss, (now - startNanos) / 1e9);
        if (terminal) {
            if (columns > 1 && line.codePointCount(0, line.length()) >= columns) {
                line = line.substring(0, line.offsetByCodePoints(0, columns - 2)) + "…";
            }
            out.print("\r\033[2K" + line + (finished ? "\n" : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Ends the bar's line on a terminal (before other output, e.g. after an interruption). */
    public void finish() {
        if (terminal) {
            out.println();
        }
    }

    String line(long steps, long episodes, double recentReturn, double loss, double seconds) {
        double done = Math.min(1, (double) steps / budget);
        double rate = (steps - startSteps) / Math.max(seconds, 1e-9);
        StringBuilder s = new StringBuilder();
        s.append(name).append(String.format(Locale.ROOT, " %3d%% |", (int) (done * 100))).append(bar(done)).append("| ");
        s.append(count(steps)).append('/').append(count(budget)).append(" steps · ");
        s.append(count(Math.round(rate))).append(" steps/s · ").append(episodes).append(" episodes");
        if (!Double.isNaN(recentReturn)) {
            s.append(String.format(Locale.ROOT, " · return %.1f", recentReturn));
        }
        if (!Double.isNaN(loss)) {
            s.append(String.format(Locale.ROOT, " · loss %.4g", loss));
        }
        double left = rate > 0 ? (budget - steps) / rate : 0;
        s.append(" · ").append(clock(seconds)).append('<').append(clock(Math.max(0, left)));
        return s.toString();
    }

    private static String bar(double done) {
        int eighths = (int) Math.round(done * WIDTH * 8);
        String full = "█".repeat(eighths / 8) + PARTIAL[eighths % 8];
        return full + " ".repeat(WIDTH - (eighths / 8) - (eighths % 8 == 0 ? 0 : 1));
    }

    static String count(long n) {
        if (n < 1000) {
            return Long.toString(n);
        }
        if (n < 1_000_000) {
            return n % 1000 == 0 ? n / 1000 + "k" : String.format(Locale.ROOT, "%.1fk", n / 1e3);
        }
        return n % 1_000_000 == 0 ? n / 1_000_000 + "M" : String.format(Locale.ROOT, "%.2fM", n / 1e6);
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
