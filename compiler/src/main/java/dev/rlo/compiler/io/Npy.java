package dev.rlo.compiler.io;

import dev.rlo.compiler.UserError;
import java.io.ByteArrayOutputStream;
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
import java.util.zip.ZipInputStream;

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

    private Npy() { }

    public static Array read(Path file) {
        try {
            return read(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new UserError("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** The arrays of an {@code .npz} archive, by name (the entry names without {@code .npy}). */
    public static Map<String, Array> readArchive(Path file) {
        Map<String, Array> out = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                String name = e.getName().endsWith(".npy") ? e.getName().substring(0, e.getName().length() - 4) : e.getName();
                out.put(name, read(readAll(zip), file + ":" + e.getName()));
            }
        } catch (IOException e) {
            throw new UserError(file + " is not a valid .npz archive: " + e.getMessage());
        }
        if (out.isEmpty()) {
            throw new UserError(file + " is not a valid .npz archive: it holds no arrays");
        }
        return out;
    }

    static Array read(byte[] bytes, String name) {
        if (bytes.length < 10 || !java.util.Arrays.equals(java.util.Arrays.copyOf(bytes, 6), MAGIC)) {
            throw malformed(name, "it does not start with the .npy magic string");
        }
        int major = bytes[6];
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen = major == 1 ? Short.toUnsignedInt(buf.getShort(8)) : buf.getInt(8);
        int start = major == 1 ? 10 : 12;
        if (major < 1 || major > 3 || headerLen < 0 || start + headerLen > bytes.length) {
            throw malformed(name, "its header is cut short or of unknown version " + major);
        }
        String header = new String(bytes, start, headerLen, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw malformed(name, "its header lacks descr, fortran_order or shape");
        }
        long[] shape = shape(s.group(1), name);
        String kind = d.group(2);
        int width = Integer.parseInt(d.group(3));
        long count = 1;
        for (long n : shape) {
            count *= n;
        }
        int dataStart = start + headerLen;
        if (count * width != bytes.length - dataStart) {
            throw malformed(name, "it should hold " + count + " values of " + width + " bytes after its header, but holds "
                    + (bytes.length - dataStart) + " bytes");
        }
        ByteBuffer data = ByteBuffer.wrap(bytes, dataStart, bytes.length - dataStart)
                .order(d.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        double[] values = new double[(int) count];
        for (int i = 0; i < count; i++) {
            values[i] = element(data, dataStart + (long) i * width, kind, width, name);
        }
        if (f.group(1).equals("True")) {
            values = fortranToC(values, shape);
        }
        return new Array(shape, values, d.group(1) + kind + width);
    }

    private static double element(ByteBuffer b, long at, String kind, int width, String name) {
        int i = (int) at;
        return switch (kind + width) {
            case "f4" -> b.getFloat(i);
            case "f8" -> b.getDouble(i);
            case "i1" -> b.get(i);
            case "i2" -> b.getShort(i);
            case "i4" -> b.getInt(i);
            case "i8" -> b.getLong(i);
            case "u1", "b1" -> Byte.toUnsignedInt(b.get(i));
            default -> throw malformed(name, "its dtype " + kind + width + " is not one rlo reads (f4, f8, i1, i2, i4, i8, u1, b1)");
        };
    }

    private static long[] shape(String tuple, String name) {
        List<Long> dims = new ArrayList<>();
        for (String part : tuple.split(",")) {
            String p = part.trim();
            if (!p.isEmpty()) {
                try {
                    dims.add(Long.parseLong(p.replace("L", "")));
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

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
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
