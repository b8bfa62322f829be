package dev.rlo.compiler.ir;

import dev.rlo.compiler.types.TensorType;
import java.util.List;

/**
 * One operation of the IR DAG: an {@link Op}, its inputs, its {@link Attrs} and its type (dtype and
 * named dimensions, in layout order). Nodes are immutable and compared by identity; an
 * {@link IrBuilder} makes each distinct (op, inputs, attrs) once, so equal expressions share a node.
 *
 * @param id unique within its builder; the IR printer shows it as {@code %id}
 */
public record Node(int id, Op op, List<Node> inputs, Attrs attrs, TensorType type) {

    public Node {
        inputs = List.copyOf(inputs);
    }

    public Node in(int i) {
        return inputs.get(i);
    }

    /** The attributes, as the kind {@code kind} the op takes. */
    public <A extends Attrs> A attrs(Class<A> kind) {
        return kind.cast(attrs);
    }

    public boolean isConst() {
        return op == Op.CONST;
    }

    /** The value of a CONST node. */
    public double constValue() {
        return attrs(Attrs.Const.class).value();
    }

    /** The value of a CONST node before rounding to f32 ({@link Attrs.Const#exact}). */
    public double exactValue() {
        return attrs(Attrs.Const.class).exact();
    }

    /** The dimensions a reduction removes. */
    public List<String> reduced() {
        return attrs instanceof Attrs.Dims d ? d.dims() : List.of(attrs(Attrs.Dim.class).dim());
    }

    /** The node a chain of views ({@link Op#isView}) shows. */
    public Node underlying() {
        Node n = this;
        while (n.op.isView()) {
            n = n.in(0);
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public String toString() {
        return "%" + id;
    }
}
