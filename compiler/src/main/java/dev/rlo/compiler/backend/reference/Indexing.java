package dev.rlo.compiler.backend.reference;

import dev.rlo.compiler.base.UserError;
import dev.rlo.compiler.ir.Attrs;
import dev.rlo.compiler.numerics.Sums;
import dev.rlo.compiler.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * GATHER and SCATTER_ADD by named indices: positions are walked in row-major order over the result
 * (gather) or the input (scatter), and each tensor is addressed through the strides of its own
 * dimensions, so any layout and any sharing of dimensions between value and index just works.
 */
final class Indexing {

    private Indexing() { }

    /** out[r] = x[r without dim, dim = index[r restricted to index's dims]]. */
    static Tensor gather(Tensor x, Tensor index, Attrs.Dim along, List<String> outDims, Map<String, Long> sizes) {
        String dim = along.dim();
        long[] outShape = ReferenceBackend.shape(outDims, sizes);
        double[] xv = x.values();
        double[] iv = index.values();
        long n = x.size(dim);
        double[] out = new double[(int) product(outShape)];
        long[] pos = new long[outDims.size()];
        for (int r = 0; r < out.length; r++) {
            unflatten(r, outShape, pos);
            long i = (long) iv[(int) offset(index.dims(), index.shape(), outDims, pos, null, 0)];
            if (i < 0 || i >= n) {
                throw new UserError(along.outOfRange(i, n));
            }
            out[r] = xv[(int) offset(x.dims(), x.shape(), outDims, pos, dim, i)];
        }
        return Tensor.of(x.dtype(), outDims, outShape, out);
    }

    /** The adjoint of {@link #gather}: out[…, dim = index[…], …] += g[…], summed (compensated) over repeats. */
    static Tensor scatterAdd(Tensor g, Tensor index, Attrs.Scatter s, Map<String, Long> sizes) {
        List<String> outDims = s.dims();
        long[] outShape = ReferenceBackend.shape(outDims, sizes);
        double[] gv = g.values();
        double[] iv = index.values();
        long n = sizes.get(s.dim());
        double[] pairs = new double[2 * (int) product(outShape)];
        long[] pos = new long[g.dims().size()];
        for (int r = 0; r < gv.length; r++) {
            unflatten(r, g.shape(), pos);
            long i = (long) iv[(int) offset(index.dims(), index.shape(), g.dims(), pos, null, 0)];
            if (i < 0 || i >= n) {
                throw new UserError("index " + i + " is out of range for dimension " + s.dim() + " of size " + n);
            }
            Sums.add(pairs, 2 * (int) offset(outDims, outShape, g.dims(), pos, s.dim(), i), gv[r]);
        }
        double[] out = new double[pairs.length / 2];
        for (int k = 0; k < out.length; k++) {
            out[k] = Sums.total(pairs[2 * k], pairs[2 * k + 1]);
        }
        return Tensor.of(g.dtype(), outDims, outShape, out);
    }

    /**
     * The row-major offset in a tensor with {@code dims}, {@code shape} of the position {@code pos}
     * over {@code posDims}; dimension {@code fixed}, if not null, is at {@code at} instead.
     */
    private static long offset(List<String> dims, long[] shape, List<String> posDims, long[] pos, String fixed, long at) {
        long off = 0;
        for (int k = 0; k < dims.size(); k++) {
            String d = dims.get(k);
            long i = d.equals(fixed) ? at : pos[posDims.indexOf(d)];
            off = off * shape[k] + i;
        }
        return off;
    }

    private static void unflatten(long flat, long[] shape, long[] pos) {
        for (int k = shape.length - 1; k >= 0; k--) {
            pos[k] = flat % shape[k];
            flat /= shape[k];
        }
    }

    private static long product(long[] shape) {
        long p = 1;
        for (long s : shape) {
            p *= s;
        }
        return p;
    }
}
