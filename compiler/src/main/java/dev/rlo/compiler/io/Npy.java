package dev.rlo.compiler.io;

import dev.rlo.compiler.base.UserError;
import dev.rlo.compiler.tensor.Shapes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * NumPy's {@code .npy} format (versions 1–3) and {@code .npz} archives of them, as numpy.save and
 * numpy.savez write them: little- or big-endian f4, f8, i1, i2, i4, i8, u1 and b1, C or Fortran
 * order. Values are read as f64 in row-major order. A malformed file is a {@link UserError}.
 */
public final class Npy {

    /** An array: its shape and its values in row-major (C) order. */
    public record Array(long[] shape, double[] values, String descr) { }

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-z])(\\d+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
    private static final java.util.Set<String> DTYPES = java.util.Set.of("f4", "f8", "i1", "i2", "i4", "i8", "u1", "b1");
    /** The longest header rlo reads; numpy writes fewer than 200 bytes for any shape rlo can hold. */
    private static final int MAX_HEADER = 1 << 16;

    private Npy() { }

    /** The array in {@code file}; a file that cannot be read or is not a valid .npy is a {@link UserError}. */
    public static Array read(Path file) {
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file))) {
            return read(in, file.toString());
        } catch (IOException e) {
            throw new UserError(FileRead.cannotRead(file, e));
        }
    }

    /**
     * The arrays of an {@code .npz} archive, by name (the entry names without {@code .npy}). The
     * archive is read through its central directory, so one cut short is refused as such; it must
     * be a regular file.
     */
    public static Map<String, Array> readArchive(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserError(file + " is not a regular file; an .npz archive is read from its end, so give a file (not a pipe)");
        }
        Map<String, Array> out = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                String name = e.getName().endsWith(".npy") ? e.getName().substring(0, e.getName().length() - 4) : e.getName();
                try (InputStream in = new java.io.BufferedInputStream(zip.getInputStream(e))) {
                    out.put(name, read(in, file + ":" + e.getName()));
                }
            }
        } catch (java.util.zip.ZipException e) {
            throw new UserError(file + " is not a valid .npz archive: it is not a zip file, or it is cut short (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new UserError(file + " is not a valid .npz archive: " + FileRead.reason(e));
        }
        if (out.isEmpty()) {
            throw new UserError(file + " is not a valid .npz archive: it holds no arrays");
        }
        return out;
    }

    /** Reads one .npy array from {@code in}, checking its header and its size before allocating it. */
    static Array read(InputStream in, String name) throws IOException {
        byte[] start = in.readNBytes(8);
        if (start.length < 8 || !java.util.Arrays.equals(java.util.Arrays.copyOf(start, 6), MAGIC)) {
            throw malformed(name, "it does not start with the .npy magic string");
        }
        int major = start[6];
        if (major < 1 || major > 3) {
            throw malformed(name, "it is of unknown version " + major);
        }
        byte[] length = in.readNBytes(major == 1 ? 2 : 4);
        if (length.length < (major == 1 ? 2 : 4)) {
            throw malformed(name, "its header is cut short");
        }
        long headerLen = major == 1 ? Short.toUnsignedInt(ByteBuffer.wrap(length).order(ByteOrder.LITTLE_ENDIAN).getShort())
                : Integer.toUnsignedLong(ByteBuffer.wrap(length).order(ByteOrder.LITTLE_ENDIAN).getInt());
        if (headerLen > MAX_HEADER) {
            throw malformed(name, "its header claims " + headerLen + " bytes, more than the " + MAX_HEADER + " rlo reads");
        }
        byte[] headerBytes = in.readNBytes((int) headerLen);
        if (headerBytes.length < headerLen) {
            throw malformed(name, "its header is cut short");
        }
        String header = new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw malformed(name, "its header lacks descr, fortran_order or shape");
        }
        String dtype = d.group(2) + d.group(3);
        if (!DTYPES.contains(dtype)) {
            throw malformed(name, "its dtype " + dtype + " is not one rlo reads (f4, f8, i1, i2, i4, i8, u1, b1)");
        }
        long[] shape = shape(s.group(1), name);
        int count = Shapes.elements(name, shape);
        int width = Integer.parseInt(d.group(3));
        double[] values = new double[count];
        ByteOrder order = d.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        byte[] chunk = new byte[width * 8192];
        long got = 0;
        for (int i = 0; i < count; ) {
            int want = (int) Math.min(chunk.length, (long) (count - i) * width);
            int n = in.readNBytes(chunk, 0, want);
            got += n;
            if (n < want) {
                throw malformed(name, "it should hold " + count + " values of " + width + " bytes after its header, but holds "
                        + got + " bytes");
            }
            ByteBuffer b = ByteBuffer.wrap(chunk, 0, n).order(order);
            for (int at = 0; at < n; at += width) {
                values[i++] = element(b, at, dtype);
            }
        }
        if (in.read() >= 0) {
            throw malformed(name, "it should hold " + count + " values of " + width + " bytes after its header, but holds more");
        }
        if (f.group(1).equals("True")) {
            values = fortranToC(values, shape);
        }
        return new Array(shape, values, d.group(1) + dtype);
    }

    private static double element(ByteBuffer b, int i, String dtype) {
        return switch (dtype) {
            case "f4" -> b.getFloat(i);
            case "f8" -> b.getDouble(i);
            case "i1" -> b.get(i);
            case "i2" -> b.getShort(i);
            case "i4" -> b.getInt(i);
            case "i8" -> b.getLong(i);
            default -> Byte.toUnsignedInt(b.get(i));   /* u1, b1 */
        };
    }

    private static long[] shape(String tuple, String name) {
        List<Long> dims = new ArrayList<>();
        for (String part : tuple.split(",")) {
            String p = part.trim();
            if (!p.isEmpty()) {
                try {
                    dims.add(Long.parseLong(p.replace("L", "")));   /* a negative size is refused by Shapes */
                } catch (NumberFormatException e) {
                    throw malformed(name, "its shape (" + tuple + ") is not a tuple of integers");
                }
            }
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    private static double[] fortranToC(double[] f, long[] shape) {
        double[] c = new double[f.length];
        long[] pos = new long[shape.length];
        for (int fi = 0; fi < f.length; fi++) {
            long rest = fi;
            for (int k = 0; k < shape.length; k++) {
                pos[k] = rest % shape[k];
                rest /= shape[k];
            }
            long ci = 0;
            for (int k = 0; k < shape.length; k++) {
                ci = ci * shape[k] + pos[k];
            }
            c[(int) ci] = f[fi];
        }
        return c;
    }

    private static UserError malformed(String name, String why) {
        return new UserError(name + " is not a valid .npy file: " + why);
    }

    /** Writes a little-endian f8 (or f4 when {@code f32}) array in C order, as numpy.save would. */
    public static byte[] write(long[] shape, double[] values, boolean f32) {
        return write(shape, values, f32 ? "<f4" : "<f8");
    }

    /** Writes an array of dtype {@code descr} ({@code <f4}, {@code <f8}, {@code <i4} or {@code |b1}) in C order, as numpy.save would. */
    public static byte[] write(long[] shape, double[] values, String descr) {
        int width = switch (descr) {
            case "<f4", "<i4" -> 4;
            case "<f8" -> 8;
            case "|b1" -> 1;
            default -> throw new IllegalArgumentException("no .npy writer for " + descr);
        };
        StringBuilder dims = new StringBuilder();
        for (long s : shape) {
            dims.append(s).append(", ");
        }
        String tuple = shape.length == 1 ? shape[0] + "," : dims.length() == 0 ? "" : dims.substring(0, dims.length() - 2);
        String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + tuple + "), }";
        int pad = 64 - (10 + header.length() + 1) % 64;
        header = header + " ".repeat(pad % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + values.length * width).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length()).put(header.getBytes(StandardCharsets.ISO_8859_1));
        for (double v : values) {
            switch (descr) {
                case "<f4" -> b.putFloat((float) v);
                case "<f8" -> b.putDouble(v);
                case "<i4" -> b.putInt((int) v);
                default -> b.put((byte) (v != 0 ? 1 : 0));
            }
        }
        return b.array();
    }
}
