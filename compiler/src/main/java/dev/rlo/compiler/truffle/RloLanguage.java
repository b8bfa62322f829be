package dev.rlo.compiler.truffle;

import com.oracle.truffle.api.CallTarget;
import com.oracle.truffle.api.TruffleLanguage;
import com.oracle.truffle.api.frame.VirtualFrame;
import com.oracle.truffle.api.nodes.RootNode;
import com.oracle.truffle.api.source.Source;
import dev.rlo.compiler.Compiler;
import java.util.List;

/**
 * rlo as a Truffle language: {@code Context.eval("rlo", source)} checks the source and returns its
 * module, whose members are its objectives; executing one runs it on the fused CPU backend through
 * an {@link ObjectiveRoot}, a root node that launches the plan's kernels.
 * <pre>{@code
 * try (Context ctx = Context.newBuilder("rlo").allowHostAccess(HostAccess.ALL).build()) {
 *     Value ppo = ctx.eval("rlo", source).getMember("ppo");
 *     Map<String, Tensor> out = ppo.execute(Map.of("logp", logp, ...)).as(Map.class);
 * }
 * }</pre>
 * Check errors and bad inputs surface as {@link RloException}s carrying rlo's diagnostics.
 */
@TruffleLanguage.Registration(id = RloLanguage.ID, name = "rlo", defaultMimeType = RloLanguage.MIME,
        characterMimeTypes = RloLanguage.MIME, contextPolicy = TruffleLanguage.ContextPolicy.SHARED)
public final class RloLanguage extends TruffleLanguage<TruffleLanguage.Env> {

    public static final String ID = "rlo";
    public static final String MIME = "application/x-rlo";

    private static final ContextReference<Env> CONTEXT = ContextReference.create(RloLanguage.class);

    @Override
    protected Env createContext(Env env) {
        return env;
    }

    /** Kernels split their work among threads, and hosts may call objectives from several. */
    @Override
    protected boolean isThreadAccessAllowed(Thread thread, boolean singleThreaded) {
        return true;
    }

    @Override
    protected CallTarget parse(ParsingRequest request) {
        Source source = request.getSource();
        String name = source.getPath() != null ? source.getPath() : source.getName();
        Compiler compiler;
        try {
            compiler = Compiler.fromSource(name, source.getCharacters().toString(), null, List.of());
        } catch (Compiler.CheckFailed e) {
            throw new RloException(e.diagnostics().toText());
        }
        ModuleObject module = new ModuleObject(this, compiler);
        return new RootNode(this) {
            @Override
            public Object execute(VirtualFrame frame) {
                return module;
            }
        }.getCallTarget();
    }

    static Env env() {
        return CONTEXT.get(null);
    }
}
