package dev.rlo.runtime.out;

import dev.rlo.compiler.io.FileRead;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code metrics.csv}: one row per loop iteration, {@code global_step} then the loop's columns with
 * CleanRL's names ({@code charts/episodic_return}, {@code losses/...}); an empty cell where an
 * iteration had nothing to report. Every row reaches the file when written, and a resumed run cuts
 * the file back to the length its checkpoint recorded, so rows are never lost nor doubled.
 */
public final class MetricsCsv implements AutoCloseable {

    private final Path file;
    private final FileChannel channel;
    private final List<String> columns;

    private MetricsCsv(Path file, FileChannel channel, List<String> columns) {
        this.file = file;
        this.channel = channel;
        this.columns = columns;
    }

    /** A new file with the header row. */
    public static MetricsCsv create(Path file, List<String> columns) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        MetricsCsv csv = new MetricsCsv(file, ch, columns);
        csv.write("global_step," + String.join(",", columns) + "\n");
        return csv;
    }

    /** The existing file, cut back to {@code length} bytes (what the checkpoint saw), to append to. */
    public static MetricsCsv resume(Path file, List<String> columns, long length) throws IOException {
        if (!Files.exists(file)) {
            throw new IOException(file + " is missing: the checkpoint beside it cannot be resumed without its metrics");
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE);
        if (ch.size() < length) {
            ch.close();
            throw new IOException(file + " is shorter (" + Files.size(file) + " bytes) than its checkpoint recorded ("
                    + length + ")");
        }
        ch.truncate(length);
        ch.position(length);
        return new MetricsCsv(file, ch, columns);
    }

    public void append(long step, Map<String, Double> row) throws IOException {
        StringBuilder line = new StringBuilder().append(step);
        for (String c : columns) {
            Double v = row.get(c);
            line.append(',');
            if (v != null) {
                line.append(format(v));
            }
        }
        write(line.append('\n').toString());
    }

    /** Forces the rows written so far to disk; returns their length in bytes, what a checkpoint records. */
    public long flush() throws IOException {
        try {
            channel.force(false);
            return channel.position();
        } catch (IOException e) {
            throw cannotWrite(e);
        }
    }

    private void write(String s) throws IOException {
        try {
            ByteBuffer b = ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                channel.write(b);
            }
        } catch (IOException e) {
            throw cannotWrite(e);
        }
    }

    private IOException cannotWrite(IOException e) {
        return new IOException("cannot write " + file + ": " + FileRead.reason(e), e);
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.6g", v);
    }

    /** The rows of {@code file}: the header, then the cells of each row (empty cells as NaN). */
    public static List<double[]> read(Path file, List<String> header) throws IOException {
        List<String> lines = Files.readAllLines(file);
        header.addAll(List.of(lines.getFirst().split(",", -1)));
        List<double[]> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            double[] row = new double[cells.length];
            for (int i = 0; i < cells.length; i++) {
                row[i] = cells[i].isEmpty() ? Double.NaN : Double.parseDouble(cells[i]);
            }
            rows.add(row);
        }
        return rows;
    }

    @Override
    public void close() throws IOException {
        channel.force(true);
        channel.close();
    }
}
