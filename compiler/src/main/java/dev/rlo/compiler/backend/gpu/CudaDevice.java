package dev.rlo.compiler.backend.gpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.rlo.compiler.base.UserError;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A CUDA device through the driver API and NVRTC, called with the JDK's FFM API
 * ({@code java.lang.foreign}) rather than a binding library: both are plain C APIs of a dozen
 * calls each; FFM needs no JNI glue jar, no JavaCPP (whose version would have to agree with
 * ND4J's), and finds the machine's own {@code libcuda.so.1} and {@code libnvrtc}, so the same jar
 * runs wherever a driver and a CUDA toolkit are installed. Sources are compiled by NVRTC for the
 * device's compute capability to PTX, which the driver loads; programs are cached by source hash.
 */
public final class CudaDevice implements Device {

    private static final Map<Integer, CudaDevice> OPEN = new HashMap<>();
    private static Api api;

    private final Api cu;
    private final String name;
    private final String arch;
    private final long maxItems;
    private final MemorySegment context;
    private final Map<String, Built> programs = new HashMap<>();

    /** The device numbered {@code spec} (default 0); a {@link UserError} if there is no driver, NVRTC or device. */
    public static synchronized CudaDevice open(String spec) {
        if (api == null) {
            api = new Api();
        }
        int ordinal;
        try {
            ordinal = spec == null ? 0 : Integer.parseInt(spec);
        } catch (NumberFormatException e) {
            throw new UserError("cuda: --device takes a device number, not `" + spec + "`");
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment count = a.allocate(JAVA_INT);
            api.check("cuDeviceGetCount", api.call("cuDeviceGetCount", count));
            if (ordinal < 0 || ordinal >= count.get(JAVA_INT, 0)) {
                throw new UserError("cuda: no device " + ordinal + "; this machine has " + count.get(JAVA_INT, 0));
            }
        }
        return OPEN.computeIfAbsent(ordinal, o -> new CudaDevice(api, o));
    }

    private CudaDevice(Api cu, int ordinal) {
        this.cu = cu;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment dev = a.allocate(JAVA_INT);
            cu.check("cuDeviceGet", cu.call("cuDeviceGet", dev, ordinal));
            int d = dev.get(JAVA_INT, 0);
            MemorySegment text = a.allocate(256);
            cu.check("cuDeviceGetName", cu.call("cuDeviceGetName", text, 256, d));
            this.name = "cuda: " + text.getString(0);
            this.arch = "compute_" + attribute(a, 75, d) + attribute(a, 76, d);
            this.maxItems = Math.max(1L << 16, 2048L * attribute(a, 16, d));
            MemorySegment ctx = a.allocate(ADDRESS);
            cu.check("cuDevicePrimaryCtxRetain", cu.call("cuDevicePrimaryCtxRetain", ctx, d));
            this.context = ctx.get(ADDRESS, 0);
        }
    }

    private int attribute(Arena a, int which, int device) {
        MemorySegment v = a.allocate(JAVA_INT);
        cu.check("cuDeviceGetAttribute", cu.call("cuDeviceGetAttribute", v, which, device));
        return v.get(JAVA_INT, 0);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Dialect dialect() {
        return Dialect.CUDA;
    }

    @Override
    public long maxItems() {
        return maxItems;
    }

    private record Built(MemorySegment module, Map<String, MemorySegment> functions) implements Program { }

    @Override
    public synchronized Program build(String source) {
        String hash = dev.rlo.compiler.io.Sha256.hex(source);
        Built done = programs.get(hash);
        if (done != null) {
            return done;
        }
        current();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment prog = a.allocate(ADDRESS);
            cu.nvrtc("nvrtcCreateProgram", cu.call("nvrtcCreateProgram", prog, a.allocateFrom(source), a.allocateFrom("rlo.cu"), 0,
                    MemorySegment.NULL, MemorySegment.NULL));
            MemorySegment p = prog.get(ADDRESS, 0);
            MemorySegment options = a.allocate(ADDRESS, 2);
            options.setAtIndex(ADDRESS, 0, a.allocateFrom("--gpu-architecture=" + arch));
            options.setAtIndex(ADDRESS, 1, a.allocateFrom("--std=c++17"));
            int rc = (int) cu.call("nvrtcCompileProgram", p, 2, options);
            if (rc != 0) {
                MemorySegment size = a.allocate(JAVA_LONG);
                cu.call("nvrtcGetProgramLogSize", p, size);
                MemorySegment log = a.allocate(Math.max(1, size.get(JAVA_LONG, 0)));
                cu.call("nvrtcGetProgramLog", p, log);
                cu.call("nvrtcDestroyProgram", prog);
                throw new UserError(name + ": the generated program did not compile (a bug in rlo; please report it):\n" + log.getString(0));
            }
            MemorySegment size = a.allocate(JAVA_LONG);
            cu.nvrtc("nvrtcGetPTXSize", cu.call("nvrtcGetPTXSize", p, size));
            MemorySegment ptx = a.allocate(size.get(JAVA_LONG, 0));
            cu.nvrtc("nvrtcGetPTX", cu.call("nvrtcGetPTX", p, ptx));
            cu.call("nvrtcDestroyProgram", prog);
            MemorySegment module = a.allocate(ADDRESS);
            cu.check("cuModuleLoadData", cu.call("cuModuleLoadData", module, ptx));
            Built b = new Built(module.get(ADDRESS, 0), new HashMap<>());
            programs.put(hash, b);
            return b;
        }
    }

    private record Mem(long pointer, long bytes) implements Memory { }

    @Override
    public synchronized Memory allocate(long bytes) {
        current();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(JAVA_LONG);
            int rc = (int) cu.call("cuMemAlloc_v2", p, bytes);
            if (rc != 0) {
                throw new UserError(name + ": cannot allocate " + bytes + " bytes of device memory (" + cu.error(rc) + ")");
            }
            return new Mem(p.get(JAVA_LONG, 0), bytes);
        }
    }

    @Override
    public synchronized void free(Memory m) {
        current();
        cu.check("cuMemFree", cu.call("cuMemFree_v2", ((Mem) m).pointer()));
    }

    @Override
    public synchronized void write(Memory to, MemorySegment from, long bytes) {
        current();
        if (bytes > 0) {
            cu.check("cuMemcpyHtoD", cu.call("cuMemcpyHtoD_v2", ((Mem) to).pointer(), from, bytes));
        }
    }

    @Override
    public synchronized void read(Memory from, MemorySegment to, long bytes) {
        current();
        if (bytes > 0) {
            cu.check("cuMemcpyDtoH", cu.call("cuMemcpyDtoH_v2", to, ((Mem) from).pointer(), bytes));
        }
    }

    /** Threads per block; the grid covers the work items. */
    private static final int BLOCK = 256;

    @Override
    public synchronized void launch(Program program, String kernel, long items, List<Object> args) {
        current();
        Built b = (Built) program;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment f = b.functions().computeIfAbsent(kernel, k -> {
                MemorySegment out = Arena.ofAuto().allocate(ADDRESS);
                cu.check("cuModuleGetFunction " + k, cu.call("cuModuleGetFunction", out, b.module(), Arena.ofAuto().allocateFrom(k)));
                return out.get(ADDRESS, 0);
            });
            MemorySegment params = a.allocate(ADDRESS, args.size());
            for (int i = 0; i < args.size(); i++) {
                MemorySegment slot = a.allocate(8, 8);
                switch (args.get(i)) {
                    case Mem m -> slot.set(JAVA_LONG, 0, m.pointer());
                    case Long l -> slot.set(JAVA_LONG, 0, l);
                    case Integer n -> slot.set(JAVA_INT, 0, n);
                    case Double d -> slot.set(JAVA_DOUBLE, 0, d);
                    default -> throw new IllegalArgumentException("argument " + args.get(i));
                }
                params.setAtIndex(ADDRESS, i, slot);
            }
            int grid = (int) ((items + BLOCK - 1) / BLOCK);
            cu.check("cuLaunchKernel " + kernel, cu.call("cuLaunchKernel", f, grid, 1, 1, BLOCK, 1, 1, 0, MemorySegment.NULL, params,
                    MemorySegment.NULL));
        }
    }

    @Override
    public synchronized void finish() {
        current();
        cu.check("cuCtxSynchronize", cu.call("cuCtxSynchronize"));
    }

    /** Makes this device's context the calling thread's. */
    private void current() {
        cu.check("cuCtxSetCurrent", cu.call("cuCtxSetCurrent", context));
    }

    /** The driver and NVRTC entry points rlo calls, bound once per process. */
    private static final class Api {
        private final Map<String, MethodHandle> handles = new HashMap<>();

        Api() {
            SymbolLookup driver = library("libcuda.so.1", "cuda: no CUDA driver on this machine (libcuda.so.1 not found)");
            SymbolLookup nvrtc = nvrtc();
            bind(driver, "cuInit", JAVA_INT);
            bind(driver, "cuDeviceGetCount", ADDRESS);
            bind(driver, "cuDeviceGet", ADDRESS, JAVA_INT);
            bind(driver, "cuDeviceGetName", ADDRESS, JAVA_INT, JAVA_INT);
            bind(driver, "cuDeviceGetAttribute", ADDRESS, JAVA_INT, JAVA_INT);
            bind(driver, "cuDevicePrimaryCtxRetain", ADDRESS, JAVA_INT);
            bind(driver, "cuCtxSetCurrent", ADDRESS);
            bind(driver, "cuCtxSynchronize");
            bind(driver, "cuModuleLoadData", ADDRESS, ADDRESS);
            bind(driver, "cuModuleGetFunction", ADDRESS, ADDRESS, ADDRESS);
            bind(driver, "cuMemAlloc_v2", ADDRESS, JAVA_LONG);
            bind(driver, "cuMemFree_v2", JAVA_LONG);
            bind(driver, "cuMemcpyHtoD_v2", JAVA_LONG, ADDRESS, JAVA_LONG);
            bind(driver, "cuMemcpyDtoH_v2", ADDRESS, JAVA_LONG, JAVA_LONG);
            bind(driver, "cuLaunchKernel", ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS,
                    ADDRESS, ADDRESS);
            bind(driver, "cuGetErrorString", JAVA_INT, ADDRESS);
            bind(nvrtc, "nvrtcCreateProgram", ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
            bind(nvrtc, "nvrtcCompileProgram", ADDRESS, JAVA_INT, ADDRESS);
            bind(nvrtc, "nvrtcGetProgramLogSize", ADDRESS, ADDRESS);
            bind(nvrtc, "nvrtcGetProgramLog", ADDRESS, ADDRESS);
            bind(nvrtc, "nvrtcGetPTXSize", ADDRESS, ADDRESS);
            bind(nvrtc, "nvrtcGetPTX", ADDRESS, ADDRESS);
            bind(nvrtc, "nvrtcDestroyProgram", ADDRESS);
            int rc = (int) call("cuInit", 0);
            if (rc != 0) {
                throw new UserError("cuda: the CUDA driver found no usable GPU (cuInit: " + error(rc) + ")");
            }
        }

        private static SymbolLookup library(String name, String missing) {
            try {
                return SymbolLookup.libraryLookup(name, Arena.global());
            } catch (IllegalArgumentException e) {
                throw new UserError(missing);
            }
        }

        /** NVRTC from the loader path, CUDA_HOME or /usr/local/cuda, newest first. */
        private static SymbolLookup nvrtc() {
            String home = System.getenv().getOrDefault("CUDA_HOME", "/usr/local/cuda");
            for (String name : List.of("libnvrtc.so", "libnvrtc.so.13", "libnvrtc.so.12", home + "/lib64/libnvrtc.so")) {
                try {
                    return SymbolLookup.libraryLookup(name, Arena.global());
                } catch (IllegalArgumentException e) {
                    /* try the next */
                }
            }
            throw new UserError("cuda: NVRTC not found (libnvrtc.so); install the CUDA toolkit or set CUDA_HOME");
        }

        private void bind(SymbolLookup lib, String name, MemoryLayout... args) {
            MemorySegment symbol = lib.find(name).orElseThrow(() -> new UserError("cuda: " + name + " is missing from the installed CUDA"));
            handles.put(name, Linker.nativeLinker().downcallHandle(symbol, FunctionDescriptor.of(JAVA_INT, args)));
        }

        Object call(String name, Object... args) {
            try {
                return handles.get(name).invokeWithArguments(args);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(name, t);
            }
        }

        void check(String what, Object rc) {
            if ((int) rc != 0) {
                throw new UserError("cuda: " + what + " failed: " + error((int) rc));
            }
        }

        void nvrtc(String what, Object rc) {
            if ((int) rc != 0) {
                throw new UserError("cuda: " + what + " failed with NVRTC error " + rc);
            }
        }

        String error(int rc) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment s = a.allocate(ADDRESS);
                if ((int) call("cuGetErrorString", rc, s) == 0 && !s.get(ADDRESS, 0).equals(MemorySegment.NULL)) {
                    return s.get(ADDRESS, 0).reinterpret(256).getString(0) + " (" + rc + ")";
                }
                return "CUDA error " + rc;
            }
        }
    }
}
