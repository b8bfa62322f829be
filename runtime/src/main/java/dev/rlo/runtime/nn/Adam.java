package dev.rlo.runtime.nn;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Adam (Kingma, Ba 2015, Algorithm 1, with ε added to the bias-corrected √v̂ as in PyTorch's
 * {@code torch.optim.Adam}) over some networks and free parameters, after clipping the gradient of all of them together
 * to a global L2 norm (PyTorch's {@code clip_grad_norm_}, which CleanRL and SB3 apply to the whole
 * agent). The learning rate can change between steps, for annealing.
 */
public final class Adam {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private final List<? extends Parameters> nets;
    private final float[][] m;
    private final float[][] v;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double maxGradNorm;
    private double lr;
    private int steps;

    /** {@code maxGradNorm} ≤ 0 turns clipping off. */
    public Adam(List<? extends Parameters> nets, double lr, double beta1, double beta2, double eps, double maxGradNorm) {
        this.nets = nets;
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.maxGradNorm = maxGradNorm;
        this.m = new float[nets.size()][];
        this.v = new float[nets.size()][];
        for (int i = 0; i < nets.size(); i++) {
            m[i] = new float[nets.get(i).params().length];
            v[i] = new float[nets.get(i).params().length];
        }
    }

    public void setLearningRate(double lr) {
        this.lr = lr;
    }

    /**
     * One step from each one's {@link Parameters#grad}: clips, updates the parameters in place, and
     * returns the gradient's global norm before clipping. A non-finite gradient changes nothing and
     * throws {@link NonFiniteGradient}.
     */
    public double step() {
        double sq = 0;
        for (Parameters net : nets) {
            for (float g : net.grad()) {
                sq += (double) g * g;
            }
        }
        double norm = Math.sqrt(sq);
        if (!Double.isFinite(norm)) {
            throw new NonFiniteGradient(norm);
        }
        float scale = (float) (maxGradNorm > 0 && norm > maxGradNorm ? maxGradNorm / (norm + 1e-6) : 1);
        steps++;
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float c1 = (float) (1 / (1 - Math.pow(beta1, steps)));
        float c2 = (float) (1 / (1 - Math.pow(beta2, steps)));
        float rate = (float) lr;
        float e = (float) eps;
        for (int n = 0; n < nets.size(); n++) {
            update(nets.get(n).params(), nets.get(n).grad(), m[n], v[n], scale, b1, b2, c1, c2, rate, e);
        }
        return norm;
    }

    /**
     * The update of one parameter array, a vector at a time and then scalar: each element by the same
     * f32 steps in the same order (a square root rounded once), so the lanes and the tail agree bit
     * for bit with the scalar formula on every vector width.
     */
    private static void update(float[] p, float[] g, float[] mn, float[] vn, float scale, float b1, float b2,
                               float c1, float c2, float rate, float e) {
        int full = p.length - p.length % S.length();
        int i = 0;
        for (; i < full; i += S.length()) {
            FloatVector gi = FloatVector.fromArray(S, g, i).mul(scale);
            FloatVector mi = FloatVector.fromArray(S, mn, i).mul(b1).add(gi.mul(1 - b1));
            FloatVector vi = FloatVector.fromArray(S, vn, i).mul(b2).add(gi.mul(1 - b2).mul(gi));
            mi.intoArray(mn, i);
            vi.intoArray(vn, i);
            FloatVector step = mi.mul(c1).mul(rate).div(vi.mul(c2).sqrt().add(e));
            FloatVector.fromArray(S, p, i).sub(step).intoArray(p, i);
        }
        for (; i < p.length; i++) {
            float gi = g[i] * scale;
            mn[i] = b1 * mn[i] + (1 - b1) * gi;
            vn[i] = b2 * vn[i] + (1 - b2) * gi * gi;
            p[i] -= rate * (mn[i] * c1) / ((float) Math.sqrt(vn[i] * c2) + e);
        }
    }

    /** The gradient was not finite: training stops rather than writing NaN into the weights. */
    public static final class NonFiniteGradient extends dev.rlo.compiler.base.UserError {
        NonFiniteGradient(double norm) {
            super("training stopped: the gradient's norm is " + norm + "; the weights were left as they were");
        }
    }

    public void save(DataOutput out) throws IOException {
        out.writeInt(steps);
        for (int n = 0; n < nets.size(); n++) {
            write(m[n], out);
            write(v[n], out);
        }
    }

    public void restore(DataInput in) throws IOException {
        steps = in.readInt();
        for (int n = 0; n < nets.size(); n++) {
            read(m[n], in);
            read(v[n], in);
        }
    }

    /** Exact binary form of a float array: its length, then the floats. */
    static void write(float[] a, DataOutput out) throws IOException {
        out.writeInt(a.length);
        for (float f : a) {
            out.writeFloat(f);
        }
    }

    static void read(float[] a, DataInput in) throws IOException {
        int n = in.readInt();
        if (n != a.length) {
            throw new IOException("the checkpoint holds " + n + " values where " + a.length + " are needed");
        }
        for (int i = 0; i < n; i++) {
            a[i] = in.readFloat();
        }
    }
}
