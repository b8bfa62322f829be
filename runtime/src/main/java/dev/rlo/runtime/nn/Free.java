package dev.rlo.runtime.nn;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Parameters no input feeds: a Gaussian policy's state-independent log standard deviation, as
 * CleanRL's {@code actor_logstd} (initialised to 0) and SB3's {@code log_std}.
 */
public final class Free implements Parameters {

    private final float[] params;
    private final float[] grad;

    public Free(int size, float initial) {
        this.params = new float[size];
        this.grad = new float[size];
        java.util.Arrays.fill(params, initial);
    }

    @Override
    public float[] params() {
        return params;
    }

    @Override
    public float[] grad() {
        return grad;
    }

    public void save(DataOutput out) throws IOException {
        Adam.write(params, out);
    }

    public void restore(DataInput in) throws IOException {
        Adam.read(params, in);
    }
}
