package dev.rlo.compiler.check;

import java.util.Collection;

/** "Did you mean …?": the closest candidate to a misspelt name, by edit distance. */
public final class Suggest {

    /** Errors after this many in a run get no hint that searches the names of a whole scope (spec/errors.md). */
    static final int HINTED_ERRORS = 100;

    private Suggest() { }

    /** The candidate nearest to {@code name}, or {@code null} when none is close enough to help. */
    static String closest(String name, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(name.toLowerCase(java.util.Locale.ROOT), c.toLowerCase(java.util.Locale.ROOT));
            if (d < bestDistance && !c.equals(name)) {
                best = c;
                bestDistance = d;
            }
        }
        /* a one-letter name (a dimension, usually) is only matched up to case: G is no typo of K */
        int allowed = name.length() == 1 ? 0 : Math.max(1, Math.min(name.length(), best == null ? 0 : best.length()) / 3);
        return best != null && bestDistance <= allowed ? best : null;
    }

    /** {@code "did you mean `x`?"}, or {@code null}. */
    public static String didYouMean(String name, Collection<String> candidates) {
        String c = closest(name, candidates);
        return c == null ? null : "did you mean `" + c + "`?";
    }

    /** Levenshtein distance, counting a swap of neighbours as one edit. */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
