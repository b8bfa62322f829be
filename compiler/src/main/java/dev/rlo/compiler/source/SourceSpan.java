package dev.rlo.compiler.source;

/**
 * A half-open character range {@code [start, end)} of a {@link SourceFile}: where a construct was
 * written, so that every diagnostic can point at it.
 */
public record SourceSpan(SourceFile file, int start, int end) {

    public SourceSpan {
        if (start < 0 || end < start || end > file.text().length()) {
            throw new IllegalArgumentException("bad span [" + start + ", " + end + ") in " + file);
        }
    }

    /** The span of code points {@code [start, end)}, as ANTLR numbers them. */
    public static SourceSpan ofCodePoints(SourceFile file, int start, int end) {
        return new SourceSpan(file, file.offset(start), file.offset(end));
    }

    public int line() {
        return file.line(start);
    }

    public int column() {
        return file.column(start);
    }

    /** Line of the last character (the start line for an empty span). */
    public int endLine() {
        return file.line(Math.max(start, end - 1));
    }

    /** Column just after the last character, on {@link #endLine()}. */
    public int endColumn() {
        return end == start ? column() : file.column(end - 1) + 1;
    }

    /** The smallest span covering this one and {@code other} (same file). */
    public SourceSpan to(SourceSpan other) {
        return new SourceSpan(file, Math.min(start, other.start), Math.max(end, other.end));
    }

    public String text() {
        return file.text().substring(start, end);
    }

    @Override
    public String toString() {
        return file.path() + ":" + line() + ":" + column();
    }
}
