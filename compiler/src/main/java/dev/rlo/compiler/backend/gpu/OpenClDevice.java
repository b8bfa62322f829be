package dev.rlo.compiler.backend.gpu;

import static org.jocl.CL.*;

import dev.rlo.compiler.base.UserError;
import dev.rlo.compiler.io.Sha256;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_platform_id;
import org.jocl.cl_program;

/**
 * An OpenCL device through JOCL: one context and in-order queue per device, opened once per
 * process; programs cached by the SHA-256 of their source, their kernels created once.
 */
public final class OpenClDevice implements Device {

    private static final Map<Integer, OpenClDevice> OPEN = new HashMap<>();

    private final String name;
    private final boolean gpu;
    private final cl_device_id device;
    private final cl_context context;
    private final cl_command_queue queue;
    private final Map<String, Built> programs = new HashMap<>();

    /** One device of one platform, as {@link #list()} finds it. */
    public record Found(int index, String platform, String device, cl_platform_id platformId, cl_device_id deviceId, boolean gpu) {
        @Override
        public String toString() {
            return index + ": " + platform + " / " + device;
        }
    }

    /**
     * Every OpenCL device of every platform, numbered in that order; a {@link UserError} when there
     * is no OpenCL loader or no platform.
     */
    public static List<Found> list() {
        try {
            setExceptionsEnabled(true);
            int[] count = new int[1];
            try {
                clGetPlatformIDs(0, null, count);
            } catch (CLException e) {
                count[0] = 0;
            }
            if (count[0] == 0) {
                throw new UserError("opencl: no OpenCL platform found; install an OpenCL driver (on Debian: apt-get install pocl-opencl-icd)");
            }
            cl_platform_id[] platforms = new cl_platform_id[count[0]];
            clGetPlatformIDs(platforms.length, platforms, null);
            List<Found> out = new ArrayList<>();
            for (cl_platform_id p : platforms) {
                int[] n = new int[1];
                try {
                    clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 0, null, n);
                } catch (CLException e) {
                    continue;
                }
                cl_device_id[] devices = new cl_device_id[n[0]];
                clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, n[0], devices, null);
                for (cl_device_id d : devices) {
                    long[] type = new long[1];
                    clGetDeviceInfo(d, CL_DEVICE_TYPE, Sizeof.cl_long, Pointer.to(type), null);
                    out.add(new Found(out.size(), platformString(p, CL_PLATFORM_NAME), deviceString(d, CL_DEVICE_NAME), p, d,
                            (type[0] & CL_DEVICE_TYPE_GPU) != 0));
                }
            }
            if (out.isEmpty()) {
                throw new UserError("opencl: no OpenCL device found on the installed platforms");
            }
            return out;
        } catch (LinkageError e) {
            throw new UserError("opencl: no OpenCL loader on this machine (libOpenCL.so.1); install one with a driver "
                    + "(on Debian: apt-get install ocl-icd-libopencl1 pocl-opencl-icd)");
        }
    }

    /**
     * The device {@code spec} names: its number in {@link #list()}, or a part of its platform or
     * device name (case-insensitive); {@code null} picks the first GPU, else the first device.
     */
    public static synchronized OpenClDevice open(String spec) {
        List<Found> all = list();
        Found pick = null;
        if (spec == null) {
            pick = all.stream().filter(Found::gpu).findFirst().orElse(all.getFirst());
        } else if (spec.matches("\\d+")) {
            int i = Integer.parseInt(spec);
            pick = i < all.size() ? all.get(i) : null;
        } else {
            String s = spec.toLowerCase(Locale.ROOT);
            pick = all.stream().filter(f -> (f.platform() + " " + f.device()).toLowerCase(Locale.ROOT).contains(s)).findFirst().orElse(null);
        }
        if (pick == null) {
            throw new UserError("opencl: no device `" + spec + "`; the devices are " + all);
        }
        Found found = pick;
        return OPEN.computeIfAbsent(found.index(), i -> new OpenClDevice(found));
    }

    private OpenClDevice(Found f) {
        this.name = "opencl: " + f.platform() + " / " + f.device();
        this.gpu = f.gpu();
        long[] fp64 = new long[1];
        clGetDeviceInfo(f.deviceId(), CL_DEVICE_DOUBLE_FP_CONFIG, Sizeof.cl_long, Pointer.to(fp64), null);
        if (fp64[0] == 0) {
            throw new UserError("opencl: " + f.device() + " has no f64 arithmetic, which rlo's kernels use for reductions");
        }
        this.context = clCreateContext(null, 1, new cl_device_id[] {f.deviceId()}, null, null, null);
        this.queue = queue(context, f.deviceId());
        this.device = f.deviceId();
    }

    /** An in-order queue: the OpenCL 2.0 call where the platform has it, else the 1.2 one. */
    @SuppressWarnings("deprecation")
    private static cl_command_queue queue(cl_context context, cl_device_id device) {
        try {
            return clCreateCommandQueueWithProperties(context, device, null, null);
        } catch (CLException | UnsupportedOperationException e) {
            return clCreateCommandQueue(context, device, 0, null);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Dialect dialect() {
        return Dialect.OPENCL;
    }

    /** A GPU wants a work item per element; a CPU (PoCL) runs a few thousand as loops. */
    @Override
    public long maxItems() {
        return Long.getLong("rlo.opencl.items", gpu ? 1 << 18 : 1 << 12);
    }

    private record Built(cl_program program, Map<String, cl_kernel> kernels) implements Program { }

    @Override
    public synchronized Program build(String source) {
        String hash = Sha256.hex(source);
        Built done = programs.get(hash);
        if (done != null) {
            return done;
        }
        cl_program p = clCreateProgramWithSource(context, 1, new String[] {source}, null, null);
        try {
            clBuildProgram(p, 1, new cl_device_id[] {device}, "-cl-std=CL1.2", null, null);
        } catch (CLException e) {
            throw new UserError(name + ": the generated program did not build (a bug in rlo; please report it):\n" + buildLog(p));
        }
        Built b = new Built(p, new HashMap<>());
        programs.put(hash, b);
        return b;
    }

    private record Mem(cl_mem mem, long bytes) implements Memory { }

    @Override
    public Memory allocate(long bytes) {
        try {
            return new Mem(clCreateBuffer(context, CL_MEM_READ_WRITE, bytes, null, null), bytes);
        } catch (CLException e) {
            throw new UserError(name + ": cannot allocate " + bytes + " bytes of device memory (" + e.getMessage() + ")");
        }
    }

    @Override
    public void free(Memory m) {
        clReleaseMemObject(((Mem) m).mem());
    }

    @Override
    public void write(Memory to, MemorySegment from, long bytes) {
        if (bytes > 0) {
            clEnqueueWriteBuffer(queue, ((Mem) to).mem(), CL_TRUE, 0, bytes, Pointer.to(from.asByteBuffer()), 0, null, null);
        }
    }

    @Override
    public void read(Memory from, MemorySegment to, long bytes) {
        if (bytes > 0) {
            clEnqueueReadBuffer(queue, ((Mem) from).mem(), CL_TRUE, 0, bytes, Pointer.to(to.asByteBuffer()), 0, null, null);
        }
    }

    /** Work items per work-group; the kernels skip the items past the ones asked for. */
    private static final long GROUP = Long.getLong("rlo.opencl.group", 64);

    @Override
    public synchronized void launch(Program program, String kernel, long items, List<Object> args) {
        Built b = (Built) program;
        cl_kernel k = b.kernels().computeIfAbsent(kernel, name -> clCreateKernel(b.program(), name, null));
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case Mem m -> clSetKernelArg(k, i, Sizeof.cl_mem, Pointer.to(m.mem()));
                case Long l -> clSetKernelArg(k, i, Sizeof.cl_long, Pointer.to(new long[] {l}));
                case Integer n -> clSetKernelArg(k, i, Sizeof.cl_int, Pointer.to(new int[] {n}));
                case Double d -> clSetKernelArg(k, i, Sizeof.cl_double, Pointer.to(new double[] {d}));
                default -> throw new IllegalArgumentException("argument " + args.get(i));
            }
        }
        /* one work-group size for every launch: PoCL compiles a kernel once per size, not per global size */
        long global = (items + GROUP - 1) / GROUP * GROUP;
        clEnqueueNDRangeKernel(queue, k, 1, null, new long[] {global}, new long[] {GROUP}, 0, null, null);
    }

    /** With clEnqueueFillBuffer: no kernel for PoCL to compile. */
    @Override
    public void fill(Program program, Memory m, long count, int slots, double v0, double v1) {
        if (count == 0) {
            return;
        }
        double[] pattern = slots == 1 ? new double[] {v0} : new double[] {v0, v1};
        clEnqueueFillBuffer(queue, ((Mem) m).mem(), Pointer.to(pattern), 8L * slots, 0, 8L * slots * count, 0, null, null);
    }

    @Override
    public void finish() {
        clFinish(queue);
    }

    private String buildLog(cl_program p) {
        long[] size = new long[1];
        clGetProgramBuildInfo(p, device, CL_PROGRAM_BUILD_LOG, 0, null, size);
        byte[] log = new byte[(int) size[0]];
        clGetProgramBuildInfo(p, device, CL_PROGRAM_BUILD_LOG, log.length, Pointer.to(log), null);
        return new String(log, StandardCharsets.UTF_8).trim();
    }

    private static String platformString(cl_platform_id p, int what) {
        long[] size = new long[1];
        clGetPlatformInfo(p, what, 0, null, size);
        byte[] b = new byte[(int) size[0]];
        clGetPlatformInfo(p, what, b.length, Pointer.to(b), null);
        return new String(b, 0, Math.max(0, b.length - 1), StandardCharsets.UTF_8).trim();
    }

    private static String deviceString(cl_device_id d, int what) {
        long[] size = new long[1];
        clGetDeviceInfo(d, what, 0, null, size);
        byte[] b = new byte[(int) size[0]];
        clGetDeviceInfo(d, what, b.length, Pointer.to(b), null);
        return new String(b, 0, Math.max(0, b.length - 1), StandardCharsets.UTF_8).trim();
    }
}
