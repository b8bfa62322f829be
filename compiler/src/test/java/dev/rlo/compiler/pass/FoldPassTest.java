package dev.rlo.compiler.pass;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rlo.compiler.CompiledObjective;
import dev.rlo.compiler.Compiler;
import dev.rlo.compiler.Rlo;
import dev.rlo.compiler.backend.reference.ReferenceBackend;
import dev.rlo.compiler.ir.Graph;
import dev.rlo.compiler.ir.Op;
import dev.rlo.compiler.tensor.Tensor;
import dev.rlo.compiler.types.DType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fold pass's boolean identities (spec/ir.md#passes): x and false, x or true are the constant,
 * x and true, x or false are x; a where on a constant condition then is the branch it picks, and
 * the other branch (GRPO's singleton division) is gone. The value is checked by hand: x = [1, 2].
 */
class FoldPassTest {

    static final String SRC = """
            objective folds(x: f32[K]) {
              let a = where(size(K) == 1 and false, x / 2, x)
              let b = where(size(K) == 1 or true, x, x / 3)
              let c = where((size(K) == 2) and true, x * 4, x)
              let d = where((size(K) == 3) or false, x * 5, x)
              sum(a + b + c + d)
            }
            """;

    @Test
    void andAndOrWithAConstantFold() {
        Compiler compiler = Rlo.source(SRC);
        Graph g = compiler.graph("folds", Map.of(), false, false);
        List<Op> ops = g.nodes().stream().map(n -> n.op()).toList();
        assertEquals(0, ops.stream().filter(op -> op == Op.AND || op == Op.OR || op == Op.DIV).count(), ops.toString());
        assertEquals(2, ops.stream().filter(op -> op == Op.WHERE).count(), ops.toString());
        CompiledObjective o = compiler.compile(compiler.objective(null), Map.of(), false, new ReferenceBackend());
        Tensor x = Tensor.of(DType.F32, List.of("K"), new long[] {2}, new double[] {1, 2});
        /* a = x, b = x, c = 4x (K is 2), d = x: 7 · (1 + 2) */
        assertEquals(21.0, o.run(Map.of("x", x)).loss().item());
    }
}
