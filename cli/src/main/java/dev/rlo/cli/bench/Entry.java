package dev.rlo.cli.bench;

import dev.rlo.compiler.tensor.Tensor;
import java.util.Map;
import java.util.function.Function;

/**
 * One line of the benchmark table: an rlo objective at one shape, its inputs, the hand-written Java
 * loop for the same math, and the bytes it must move at the least (inputs read, outputs written).
 *
 * @param gradients whether the loss's gradients are computed (loss+grad entries) or only the
 *                  forward outputs (advantage entries, whose result is a report)
 * @param elements  the size of the iteration space, for ns/element
 * @param java      given the inputs, a runnable doing the same work with plain loops
 * @param perCall   a training-size call (a minibatch), reported in µs per call rather than in bandwidth
 */
record Entry(String name, String shape, String source, String objective, boolean gradients, Map<String, Long> sizes,
             long elements, long bytes, Function<Map<String, Tensor>, Runnable> java, boolean perCall) {

    Entry(String name, String shape, String source, String objective, boolean gradients, Map<String, Long> sizes,
          long elements, long bytes, Function<Map<String, Tensor>, Runnable> java) {
        this(name, shape, source, objective, gradients, sizes, elements, bytes, java, false);
    }
}
