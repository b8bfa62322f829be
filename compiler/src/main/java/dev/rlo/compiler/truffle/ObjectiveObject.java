package dev.rlo.compiler.truffle;

import com.oracle.truffle.api.dsl.Cached;
import com.oracle.truffle.api.interop.InteropLibrary;
import com.oracle.truffle.api.interop.TruffleObject;
import com.oracle.truffle.api.library.ExportLibrary;
import com.oracle.truffle.api.library.ExportMessage;
import com.oracle.truffle.api.nodes.IndirectCallNode;

/**
 * An objective compiled for the CPU: executing it with a {@code Map<String, Tensor>} of inputs (and
 * optionally a map of arrays to write outputs into) returns every output by name.
 */
@ExportLibrary(InteropLibrary.class)
final class ObjectiveObject implements TruffleObject {

    private final ObjectiveRoot root;

    ObjectiveObject(ObjectiveRoot root) {
        this.root = root;
    }

    @ExportMessage
    boolean isExecutable() {
        return true;
    }

    @ExportMessage
    Object execute(Object[] arguments, @Cached IndirectCallNode call) {
        return call.call(root.getCallTarget(), arguments);
    }
}
