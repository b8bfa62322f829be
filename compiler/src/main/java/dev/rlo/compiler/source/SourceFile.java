package dev.rlo.compiler.source;

import java.util.Arrays;

/**
 * The text of one rlo module and the name it is shown under in diagnostics.
 * <p>
 * {@code path} is for people: relative to the working directory where possible, or
 * {@code <repl>}, {@code classpath:std/kl.rlo}. Lines and columns are 1-based; a column counts
 * characters (UTF-16 units), so a tab is one column, as in ANTLR.
 */
public final class SourceFile {

    private final String path;
    private final String text;
    private final int[] lineStarts;

    public SourceFile(String path, String text) {
        this.path = path;
        this.text = text;
        this.lineStarts = lineStarts(text);
    }

    public String path() {
        return path;
    }

    public String text() {
        return text;
    }

    /** The 1-based line holding character {@code offset}. */
    public int line(int offset) {
        int i = Arrays.binarySearch(lineStarts, offset);
        return i >= 0 ? i + 1 : -i - 1;
    }

    /** The 1-based column of character {@code offset}. */
    public int column(int offset) {
        return offset - lineStarts[line(offset) - 1] + 1;
    }

    /** The text of 1-based line {@code n}, without its line break. */
    public String lineText(int n) {
        int start = lineStarts[n - 1];
        int end = n < lineStarts.length ? lineStarts[n] : text.length();
        while (end > start && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
            end--;
        }
        return text.substring(start, end);
    }

    public int lineCount() {
        return lineStarts.length;
    }

    private static int[] lineStarts(String text) {
        int[] starts = new int[16];
        int n = 1;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                if (n == starts.length) {
                    starts = Arrays.copyOf(starts, n * 2);
                }
                starts[n++] = i + 1;
            }
        }
        return Arrays.copyOf(starts, n);
    }

    @Override
    public String toString() {
        return path;
    }
}
