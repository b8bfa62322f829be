package dev.rlo.compiler.backend.cpu;

import dev.rlo.compiler.fuse.Schedule;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.MethodModel;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles generated plan classes in process with javac, and caches them by a hash of their source:
 * in memory for the process, and on disk ({@code -Drlo.kernel.cache=DIR}, default
 * {@code ~/.cache/rlo/kernels}), written atomically, so a plan is compiled once per machine. C2
 * compiles the loaded class like any other Java code.
 * <p>
 * A cache entry ({@code NAME.kernel}) holds its full key (the SHA-256 of the ABI and the source) and
 * the SHA-256 of its class bytes before them; an entry whose key or bytes do not match is compiled
 * again and replaced. That guards against damage, not against someone who may write the cache: it
 * is trusted local state (spec/cli.md#trust-boundaries).
 */
final class KernelCompiler {

    /** Bumped when what generated code may call changes, so that stale cached classes are not loaded. */
    private static final String ABI = "rlo-kernels-1";
    private static final Map<String, PlanCode> LOADED = new ConcurrentHashMap<>();

    private KernelCompiler() { }

    /** The class name a plan body gets: its hash. */
    static String className(String body) {
        return "Plan_" + dev.rlo.compiler.io.Sha256.hex(ABI + body).substring(0, 24);
    }

    static PlanCode load(String body) {
        String name = className(body);
        return LOADED.computeIfAbsent(name, n -> instantiate(n, cachedOrCompiled(n, body)));
    }

    /**
     * The plan class body for {@code schedule} ({@link JavaTarget#body}), compiled (or taken from
     * the cache) to see how long each kernel's method came out: one longer than HotSpot compiles
     * would run in the interpreter, so such kernels are rendered again one {@link KernelForm}
     * plainer (written-out sorts, then squares, dropped first; then the sums' pairing, which writes
     * each such loop's step out nine times; spec/ir.md), until they fit or their sums go term by term.
     */
    static String body(Schedule schedule, boolean vector) {
        Map<Integer, KernelForm> forms = new java.util.TreeMap<>();
        while (true) {
            String body = JavaTarget.body(schedule, vector, forms);
            Set<Integer> huge = TOO_LONG.computeIfAbsent(className(body), n -> tooLong(cachedOrCompiled(n, body)));
            if (!plainer(forms, huge)) {
                return body;
            }
        }
    }

    /** Kernels {@code huge} written one form plainer in {@code forms}; whether any could be. */
    private static boolean plainer(Map<Integer, KernelForm> forms, Set<Integer> huge) {
        boolean changed = false;
        for (int k : huge) {
            KernelForm form = forms.getOrDefault(k, KernelForm.INLINE);
            changed |= form != KernelForm.TERMS;
            forms.put(k, form.plainer());
        }
        return changed;
    }

    /** Per plan class, by name, its kernels too long for HotSpot ({@link #tooLong}): measured once a process. */
    private static final Map<String, Set<Integer>> TOO_LONG = new ConcurrentHashMap<>();

    /** Renders {@code schedule}'s plan class as {@link #body} does, compiles it with javac, using and filling no cache, and loads it. */
    static PlanCode compileFresh(Schedule schedule, boolean vector) {
        Map<Integer, KernelForm> forms = new java.util.TreeMap<>();
        while (true) {
            String body = JavaTarget.body(schedule, vector, forms);
            byte[] bytes = javac(className(body), JavaTarget.source(className(body), body));
            if (!plainer(forms, tooLong(bytes))) {
                return instantiate(className(body), bytes);
            }
        }
    }

    /**
     * The longest method, in bytes of bytecode, HotSpot's JIT compilers take (HugeMethodLimit, with
     * DontCompileHugeMethods on by default).
     */
    static final int HUGE_METHOD = 8000;

    /** The kernels of class {@code bytes} whose method, or the method of one of their paths ({@code k<id>_<j>}), is longer than {@link #HUGE_METHOD}. */
    static Set<Integer> tooLong(byte[] bytes) {
        Set<Integer> huge = new java.util.TreeSet<>();
        for (MethodModel m : ClassFile.of().parse(bytes).methods()) {
            String name = m.methodName().stringValue();
            if (name.matches("k[0-9]+(_[0-9]+)?") && m.findAttribute(Attributes.code()).map(c -> c.codeLength() > HUGE_METHOD).orElse(false)) {
                huge.add(Integer.parseInt(name.substring(1).split("_")[0]));
            }
        }
        return huge;
    }

    static byte[] cachedOrCompiled(String name, String body) {
        Path file = cacheDir().resolve(name + ".kernel");
        String key = dev.rlo.compiler.io.Sha256.hex(ABI + body);
        byte[] cached = cached(file, key);
        if (cached != null) {
            return cached;
        }
        byte[] bytes = javac(name, JavaTarget.source(name, body));
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), name, ".tmp");
            String header = ENTRY + "\n" + key + "\n" + dev.rlo.compiler.io.Sha256.hex(bytes) + "\n";
            byte[] head = header.getBytes(StandardCharsets.US_ASCII);
            byte[] entry = java.util.Arrays.copyOf(head, head.length + bytes.length);
            System.arraycopy(bytes, 0, entry, head.length, bytes.length);
            Files.write(tmp, entry);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            /* an unwritable cache only costs time: the next run compiles again */
        }
        return bytes;
    }

    private static final String ENTRY = "rlo-kernel-cache-1";

    /** The class bytes of the entry {@code file} if it holds {@code key} and its bytes match their hash; else null. */
    private static byte[] cached(Path file, String key) {
        try {
            if (!Files.isRegularFile(file)) {
                return null;
            }
            byte[] entry = Files.readAllBytes(file);
            int headLength = ENTRY.length() + 1 + 2 * (64 + 1);
            if (entry.length <= headLength) {
                return null;
            }
            String[] head = new String(entry, 0, headLength, StandardCharsets.US_ASCII).split("\n");
            byte[] bytes = java.util.Arrays.copyOfRange(entry, headLength, entry.length);
            boolean valid = head.length == 3 && head[0].equals(ENTRY) && head[1].equals(key)
                    && head[2].equals(dev.rlo.compiler.io.Sha256.hex(bytes));
            return valid ? bytes : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static Path cacheDir() {
        String dir = System.getProperty("rlo.kernel.cache");
        if (dir != null) {
            return Path.of(dir);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        return (xdg != null ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache")).resolve("rlo/kernels");
    }

    private static PlanCode instantiate(String name, byte[] bytes) {
        C2Only.install();
        ClassLoader loader = new ClassLoader(PlanCode.class.getClassLoader()) {
            @Override
            protected Class<?> findClass(String n) throws ClassNotFoundException {
                if (n.equals("dev.rlo.kernels." + name)) {
                    return defineClass(n, bytes, 0, bytes.length);
                }
                throw new ClassNotFoundException(n);
            }
        };
        try {
            return (PlanCode) loader.loadClass("dev.rlo.kernels." + name).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot load generated kernel " + name, e);
        }
    }

    private static byte[] javac(String name, String source) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("the cpu backend needs a JDK (javac), not a JRE");
        }
        DiagnosticCollector<JavaFileObject> diags = new DiagnosticCollector<>();
        StandardJavaFileManager std = javac.getStandardFileManager(diags, null, StandardCharsets.UTF_8);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        JavaFileManager files = new ForwardingJavaFileManager<>(std) {
            @Override
            public JavaFileObject getJavaFileForOutput(Location l, String cls, JavaFileObject.Kind k, FileObject s) {
                return new SimpleJavaFileObject(uri(cls + ".class"), k) {
                    @Override
                    public OutputStream openOutputStream() {
                        return bytes;
                    }
                };
            }
        };
        JavaFileObject unit = new SimpleJavaFileObject(uri(name + ".java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignore) {
                return source;
            }
        };
        List<String> options = List.of("-proc:none", "-g:none", "-nowarn", "--add-modules", "jdk.incubator.vector",
                "-classpath", ownLocation());
        boolean ok = javac.getTask(null, files, diags, options, null, List.of(unit)).call();
        if (!ok) {
            throw new IllegalStateException("generated kernel " + name + " did not compile (a compiler bug; source kept in "
                    + keep(name, source) + "): " + diags.getDiagnostics());
        }
        return bytes.toByteArray();
    }

    /** Writes a source that did not compile next to the cache, for the bug report. */
    private static String keep(String name, String source) {
        try {
            Path file = cacheDir().resolve(name + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, source);
            return file.toString();
        } catch (IOException e) {
            return "nowhere: " + e.getMessage();
        }
    }

    /** Where rlo's own classes are (a jar or a directory), for the generated code's imports. */
    private static String ownLocation() {
        try {
            return Path.of(PlanCode.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }

    private static URI uri(String path) {
        return URI.create("mem:///" + path.replace('.', '/').replace("/class", ".class").replace("/java", ".java"));
    }
}
