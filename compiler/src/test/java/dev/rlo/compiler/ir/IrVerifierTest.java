package dev.rlo.compiler.ir;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlo.compiler.types.DType;
import dev.rlo.compiler.types.TensorType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The verifier rejects graphs that break spec/ir.md, naming the node and the rule. */
class IrVerifierTest {

    static final TensorType XB = TensorType.of(DType.F32, List.of("B"));

    static Graph graph(Node loss) {
        return new Graph("g", List.of(new Graph.Input("x", XB, true)), Map.of(Output.LOSS, loss), List.of());
    }

    static String rejects(Graph g) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> IrVerifier.verify(g, "test"));
        return e.getMessage();
    }

    @Test
    void aNodeWhoseTypeDisagreesWithItsRuleIsRejected() {
        IrBuilder b = new IrBuilder(false);
        Node x = b.input("x", XB);
        Node wrong = new Node(99, Op.SUM, List.of(x), new Attrs.Dims(List.of("B")), TensorType.of(DType.F64, List.of()));
        assertTrue(rejects(graph(wrong)).contains("its rule gives f32"));
    }

    @Test
    void mixedOperandDtypesAreRejected() {
        IrBuilder b = new IrBuilder(false);
        Node x = b.input("x", XB);
        Node half = b.constant(0.5, DType.F64, false);
        Node add = new Node(98, Op.ADD, List.of(x, half), Attrs.NONE, XB);
        Node loss = new Node(96, Op.SUM, List.of(add), new Attrs.Dims(List.of("B")), TensorType.scalar(DType.F32));
        assertTrue(rejects(graph(loss)).contains("operands of one dtype"));
    }

    @Test
    void unknownDimensionsWeakTypesAndNonScalarLossesAreRejected() {
        IrBuilder b = new IrBuilder(false);
        Node x = b.input("x", XB);
        Node iota = b.node(Op.IOTA, new Attrs.Dim("Q"));
        Node loss = b.node(Op.SUM, new Attrs.Dims(List.of("B", "Q")),
                b.node(Op.MUL, Attrs.NONE, x, b.node(Op.CAST, new Attrs.Cast(DType.F32), iota)));
        assertTrue(rejects(graph(loss)).contains("dimension Q is neither an input's nor a rename's"));
        Node weak = b.node(Op.SUM, new Attrs.Dims(List.of("B")), b.node(Op.MUL, Attrs.NONE, x, new Node(95, Op.CONST, List.of(),
                new Attrs.Const(2), new TensorType(DType.F32, List.of(), true))));
        assertTrue(rejects(graph(weak)).contains("a weak type survived lowering"));
        assertTrue(rejects(graph(x)).contains("the loss must be a float scalar"));
    }
}
