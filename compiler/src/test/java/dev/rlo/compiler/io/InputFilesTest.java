package dev.rlo.compiler.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlo.compiler.base.UserError;
import dev.rlo.compiler.tensor.Shapes;
import dev.rlo.compiler.tensor.Tensor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed and hostile input files (hardening cases F12–F15, F17): each is a {@link UserError}
 * naming the file and what is wrong, raised before anything large is allocated, never another
 * exception. The .npy files are written byte by byte here, as numpy's format document describes.
 */
class InputFilesTest {

    static String error(Runnable r) {
        return assertThrows(UserError.class, r::run).getMessage();
    }

    // ---- JSON -----------------------------------------------------------------------------------

    /** F12: a \\u escape without four hexadecimal digits. */
    @Test
    void aBadUnicodeEscapeIsMalformedJson() {
        assertEquals("in.json:1:14: malformed JSON: a \\u escape needs four hexadecimal digits",
                error(() -> Json.parse("{\"inputs\": {\"\\uzzzz\": 1}}", "in.json")));
        assertEquals("é", ((java.util.Map<?, ?>) Json.parse("{\"\\u00e9\": 1}", "in.json")).keySet().iterator().next());
    }

    /** F13: arrays nested 100,000 deep, closed or not, are one error at the 1,001st bracket; 1,000 are read. */
    @Test
    void deeplyNestedJsonIsRefused() {
        String open = "[".repeat(100_000);
        assertEquals("d.json:1:1001: malformed JSON: arrays and objects nest more than 1000 levels deep",
                error(() -> Json.parse(open + "]".repeat(100_000), "d.json")));
        assertEquals("d.json:1:1001: malformed JSON: arrays and objects nest more than 1000 levels deep",
                error(() -> Json.parse(open, "d.json")));
        assertTrue(Json.parse("[".repeat(1000) + "1" + "]".repeat(1000), "d.json") instanceof java.util.List);
    }

    /** F12, F15: a shape that is not a list of positive whole numbers. */
    @Test
    void shapesMustBePositiveWholeNumbers() {
        for (String shape : new String[] {"[\"a\", \"b\"]", "[null, 3]", "[-5, -3]", "[5.7]", "[0]", "\"5\""}) {
            String tensor = "{\"dims\": [\"B\"], \"shape\": " + shape + ", \"data\": [1, 2, 3, 4, 5]}";
            String e = error(() -> TensorJson.tensor(Json.parse(tensor, "t.json"), "t.json: input `r`"));
            assertTrue(e.startsWith("t.json: input `r`: \"shape\" must be a list of positive whole numbers, not "), e);
        }
    }

    /** F14: ragged nested data is refused, however its values add up; regular data is read. */
    @Test
    void raggedDataIsRefused() {
        String ragged = "{\"dims\": [\"B\",\"A\"], \"data\": [[1,2,3],[4,5],[6,7,8,9],[1,2,3],[1,2,3]]}";
        assertEquals("q: \"data\" is ragged: a list of 2 at depth 2 where the first had 3",
                error(() -> TensorJson.tensor(Json.parse(ragged, "j"), "q")));
        assertEquals("q: \"data\" is ragged: a list where a number was expected at depth 2",
                error(() -> TensorJson.tensor(Json.parse("{\"dims\": [\"B\"], \"data\": [1, [2]]}", "j"), "q")));
        assertEquals("q: \"data\" is ragged: a number where a list was expected at depth 2",
                error(() -> TensorJson.tensor(Json.parse("{\"dims\": [\"B\",\"A\"], \"data\": [[1], 2]}", "j"), "q")));
        Tensor t = TensorJson.tensor(Json.parse("{\"dims\": [\"B\",\"A\"], \"data\": [[1,2,3],[4,5,6]]}", "j"), "q");
        assertEquals("[2, 3]", Arrays.toString(t.shape()));
        assertEquals("[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]", Arrays.toString(t.values()));
    }

    // ---- .npy and .npz ----------------------------------------------------------------------------

    /** A .npy file: magic, version, header length (2 bytes in version 1, 4 after), the header, then {@code data}. */
    static byte[] npy(int version, String descr, String shape, byte[] data) {
        String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }\n";
        ByteBuffer b = ByteBuffer.allocate(12 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0});
        if (version == 1) {
            b.putShort((short) header.length());
        } else {
            b.putInt(header.length());
        }
        b.put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        return Arrays.copyOf(b.array(), b.position());
    }

    static String npyError(byte[] bytes) {
        return error(() -> {
            try {
                Npy.read(new ByteArrayInputStream(bytes), "x.npy");
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
    }

    /** F12: negative sizes, an absurd dtype width, a shape whose bytes overflow, headers cut short. */
    @Test
    void malformedNpyHeadersAreRefused() {
        assertEquals("x.npy has a dimension of size -5; a dimension has at least one element",
                npyError(npy(1, "<f4", "(-5, -3)", new byte[60])));
        assertEquals("x.npy has a dimension of size -1; a dimension has at least one element",
                npyError(npy(1, "<f4", "(-1, -5)", new byte[20])));
        assertEquals("x.npy is not a valid .npy file: its dtype f99999999999 is not one rlo reads (f4, f8, i1, i2, i4, i8, u1, b1)",
                npyError(npy(1, "<f99999999999", "(5,)", new byte[20])));
        /* 2305843009213693953 × 8 bytes overflows a long to 8: the count alone is refused */
        assertEquals("x.npy of shape [2305843009213693953] has 2305843009213693953 elements; a tensor has at most 2147483639",
                npyError(npy(1, "<f8", "(2305843009213693953,)", new byte[8])));
        byte[] v2 = npy(2, "<f4", "(5,)", new byte[20]);
        assertEquals("x.npy is not a valid .npy file: its header is cut short", npyError(Arrays.copyOf(v2, 10)));
        assertEquals("x.npy is not a valid .npy file: its header is cut short", npyError(Arrays.copyOf(v2, 11)));
        assertEquals("x.npy is not a valid .npy file: it should hold 5 values of 4 bytes after its header, but holds more",
                npyError(npy(1, "<f4", "(5,)", new byte[21])));
    }

    /**
     * F13: an array larger than the memory rlo may use is refused from its header, before its data
     * is read: 2,000,000,000 f8 values need 14.9 GiB (more than half of any heap under 29.8 GiB).
     */
    @Test
    void anArrayTooLargeForMemoryIsRefusedFromItsHeader() {
        String e = npyError(npy(1, "<f8", "(2000000000,)", new byte[8]));
        assertTrue(e.startsWith("x.npy of shape [2000000000] needs 14.9 GiB as f64, more than half the memory the JVM may use ("), e);
        assertTrue(e.endsWith("); give it more with RLO_JAVA_OPTS=-Xmx…"), e);
    }

    /** F13, F17: in an .npz, the same entry is refused by its header; an archive cut short is refused as such. */
    @Test
    void npzArchives(@TempDir Path dir) throws IOException {
        Path huge = dir.resolve("huge.npz");
        Files.write(huge, zip("reward.npy", npy(1, "<f8", "(2000000000,)", new byte[64])));
        String e = error(() -> Npy.readArchive(huge));
        assertTrue(e.startsWith(huge + ":reward.npy of shape [2000000000] needs 14.9 GiB as f64"), e);
        byte[] good = zip("q.npy", npy(1, "<f4", "(2,)", new byte[8]));
        Path cut = dir.resolve("cut.npz");
        Files.write(cut, Arrays.copyOf(good, good.length - 30));
        assertTrue(error(() -> Npy.readArchive(cut)).startsWith(cut + " is not a valid .npz archive: it is not a zip file, or it is cut short"));
        Path whole = dir.resolve("whole.npz");
        Files.write(whole, good);
        assertEquals("[2]", Arrays.toString(Npy.readArchive(whole).get("q").shape()));
    }

    static byte[] zip(String name, byte[] entry) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry(name));
            z.write(entry);
            z.closeEntry();
        }
        return out.toByteArray();
    }

    /** F2: sizes and ranks, as gradcheck's --dim, JSON and .npy files give them. */
    @Test
    void shapesAreCheckedBeforeAllocation() {
        assertEquals("dimension B has size 0; a dimension has at least one element", error(() -> Shapes.size("dimension B", 0)));
        long[] rank33 = new long[33];
        Arrays.fill(rank33, 1);
        assertEquals("x has 33 dimensions; a tensor has at most 32", error(() -> Shapes.elements("x", rank33)));
        /* 3 · 4 · … · 27 (rank 25, the default sizes) overflows a long */
        long[] rank25 = java.util.stream.LongStream.rangeClosed(3, 27).toArray();
        assertTrue(error(() -> Shapes.elements("x", rank25)).contains(" has more than 2^63 elements; a tensor has at most 2147483639"));
        assertEquals(12, Shapes.elements("x", new long[] {3, 4}));
    }
}
