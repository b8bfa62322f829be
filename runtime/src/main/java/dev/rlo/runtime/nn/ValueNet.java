package dev.rlo.runtime.nn;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;

/** A value-based agent's network: observations in, one head out; trained through its {@link #parts}. */
public interface ValueNet {

    /** The head for {@code rows} observations {@code x}, row-major. */
    float[] forward(float[] x, int rows);

    /** Gradients of all parts from d loss / d head of the last forward. */
    void backward(float[] dHead);

    List<? extends Parameters> parts();

    /** Copies this network's parameters into {@code other}, a network of the same shape (target updates). */
    default void copyTo(ValueNet other) {
        for (int i = 0; i < parts().size(); i++) {
            float[] from = parts().get(i).params();
            System.arraycopy(from, 0, other.parts().get(i).params(), 0, from.length);
        }
    }

    default void save(DataOutput out) throws IOException {
        for (Parameters p : parts()) {
            Adam.write(p.params(), out);
        }
    }

    default void restore(DataInput in) throws IOException {
        for (Parameters p : parts()) {
            Adam.read(p.params(), in);
        }
    }

    /** An MLP whose output is the head. */
    static ValueNet of(Mlp mlp) {
        return new ValueNet() {
            @Override
            public float[] forward(float[] x, int rows) {
                return mlp.forward(x, rows);
            }

            @Override
            public void backward(float[] dHead) {
                mlp.backward(dHead);
            }

            @Override
            public List<Mlp> parts() {
                return List.of(mlp);
            }
        };
    }
}
