package dev.rlo.compiler.source;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The text of one rlo module and the name it is shown under in diagnostics.
 * <p>
 * {@code path} is for people: relative to the working directory where possible, or
 * {@code <repl>}, {@code classpath:std/kl.rlo}. Offsets into the text are Java {@code char}
 * indices; lines and columns, what people see, are 1-based, and a column counts code points
 * (𝔼 is one column, as is a tab). A lone carriage return ends a line, as {@code \n} and
 * {@code \r\n} do (spec/syntax.md#files).
 */
public final class SourceFile {

    private final String path;
    private final String text;
    private final int[] lineStarts;
    /** The code-point indices of the characters outside the BMP (two chars each), in order. */
    private final int[] supplementary;
    private final int invalidUtf8;

    public SourceFile(String path, String text) {
        this(path, text, -1);
    }

    private SourceFile(String path, String text, int invalidUtf8) {
        this.path = path;
        this.text = text.indexOf('\r') < 0 ? text : text.replaceAll("\r(?!\n)", "\n");   /* same length: offsets stay valid */
        this.lineStarts = lineStarts(this.text);
        this.supplementary = supplementary(this.text);
        this.invalidUtf8 = invalidUtf8;
    }

    /**
     * A file's bytes as rlo reads them: UTF-8, a leading byte-order mark dropped. Bytes that are not
     * UTF-8 read as U+FFFD, and {@link #invalidUtf8()} gives the offset of the first one, which the
     * parser reports (E006) instead of parsing.
     */
    public static SourceFile decode(String path, byte[] bytes) {
        int skip = bytes.length >= 3 && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB && (bytes[2] & 0xff) == 0xBF ? 3 : 0;
        ByteBuffer in = ByteBuffer.wrap(bytes, skip, bytes.length - skip);
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(in).toString();
            return new SourceFile(path, text);
        } catch (CharacterCodingException e) {
            int bad = firstInvalid(bytes, skip);
            String before = new String(bytes, skip, bad - skip, StandardCharsets.UTF_8);
            return new SourceFile(path, new String(bytes, skip, bytes.length - skip, StandardCharsets.UTF_8), before.length());
        }
    }

    /** The index of the first byte, from {@code from}, that does not begin a valid UTF-8 sequence. */
    private static int firstInvalid(byte[] bytes, int from) {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, from, bytes.length - from);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length + 1);
        decoder.decode(in, out, true);
        return in.position();
    }

    public String path() {
        return path;
    }

    public String text() {
        return text;
    }

    /** The offset of the first byte sequence that was not UTF-8 (read as U+FFFD), or -1. */
    public int invalidUtf8() {
        return invalidUtf8;
    }

    /** The char offset of the code point at index {@code codePoint} (as ANTLR counts). */
    public int offset(int codePoint) {
        int i = Arrays.binarySearch(supplementary, codePoint);
        return codePoint + (i >= 0 ? i : -i - 1);
    }

    /** The 1-based line holding character {@code offset}. */
    public int line(int offset) {
        int i = Arrays.binarySearch(lineStarts, offset);
        return i >= 0 ? i + 1 : -i - 1;
    }

    /** The 1-based column, in code points, of character {@code offset}. */
    public int column(int offset) {
        int start = lineStarts[line(offset) - 1];
        return text.codePointCount(start, Math.min(offset, text.length())) + 1;
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

    private static int[] supplementary(String text) {
        int[] out = new int[0];
        int n = 0;
        int cp = 0;
        for (int i = 0; i < text.length(); cp++) {
            int c = text.codePointAt(i);
            if (Character.isSupplementaryCodePoint(c)) {
                if (n == out.length) {
                    out = Arrays.copyOf(out, Math.max(8, n * 2));
                }
                out[n++] = cp;
            }
            i += Character.charCount(c);
        }
        return Arrays.copyOf(out, n);
    }

    @Override
    public String toString() {
        return path;
    }
}
