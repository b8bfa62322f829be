package dev.rlo.compiler.truffle;

import com.oracle.truffle.api.CompilerDirectives.TruffleBoundary;
import com.oracle.truffle.api.interop.InteropLibrary;
import com.oracle.truffle.api.interop.TruffleObject;
import com.oracle.truffle.api.interop.UnknownIdentifierException;
import com.oracle.truffle.api.library.ExportLibrary;
import com.oracle.truffle.api.library.ExportMessage;
import dev.rlo.compiler.Compiler;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A checked rlo source: its objectives are its members, each compiled on first read. */
@ExportLibrary(InteropLibrary.class)
final class ModuleObject implements TruffleObject {

    private final RloLanguage language;
    private final Compiler compiler;
    private final Map<String, ObjectiveObject> compiled = new ConcurrentHashMap<>();

    ModuleObject(RloLanguage language, Compiler compiler) {
        this.language = language;
        this.compiler = compiler;
    }

    @ExportMessage
    boolean hasMembers() {
        return true;
    }

    @ExportMessage
    @TruffleBoundary
    Object getMembers(boolean includeInternal) {
        return new Names(compiler.objectives());
    }

    @ExportMessage
    @TruffleBoundary
    boolean isMemberReadable(String member) {
        return compiler.objectives().contains(member);
    }

    @ExportMessage
    @TruffleBoundary
    Object readMember(String member) throws UnknownIdentifierException {
        if (!compiler.objectives().contains(member)) {
            throw UnknownIdentifierException.create(member);
        }
        return compiled.computeIfAbsent(member, name -> new ObjectiveObject(ObjectiveRoot.of(language, compiler, name)));
    }

    /** The objectives' names, as a guest array. */
    @ExportLibrary(InteropLibrary.class)
    static final class Names implements TruffleObject {
        private final List<String> names;

        Names(List<String> names) {
            this.names = names;
        }

        @ExportMessage
        boolean hasArrayElements() {
            return true;
        }

        @ExportMessage
        long getArraySize() {
            return names.size();
        }

        @ExportMessage
        boolean isArrayElementReadable(long index) {
            return index >= 0 && index < names.size();
        }

        @ExportMessage
        @TruffleBoundary
        Object readArrayElement(long index) {
            return names.get((int) index);
        }
    }
}
