/**
 * The rlo compiler, a tour. A source file goes through these phases, each a package with one entry
 * point, a section of spec/ that defines what it does, and a directory of golden files that pins
 * its output (directories of compiler/src/test/golden; {@code -Dgolden.update=true} rewrites them).
 *
 * <table>
 * <caption>Phases, in order</caption>
 * <tr><th>phase</th><th>package</th><th>entry point</th><th>spec</th><th>goldens</th></tr>
 * <tr><td>parse</td><td>{@code parse}, {@code ast}</td>
 *     <td>{@link dev.rlo.compiler.parse.SourceParser#parse}: ANTLR's tree to an immutable AST</td>
 *     <td>spec/syntax.md</td><td>{@code check/} (syntax errors)</td></tr>
 * <tr><td>resolve</td><td>{@code resolve}</td>
 *     <td>{@link dev.rlo.compiler.resolve.ModuleLoader}: imports, the stdlib, the library path</td>
 *     <td>spec/modules.md</td><td>{@code check/}</td></tr>
 * <tr><td>check</td><td>{@code check}</td>
 *     <td>{@link dev.rlo.compiler.check.Checker}: names, dtypes and named shapes; diagnostics</td>
 *     <td>spec/types-and-shapes.md, spec/builtins.md, spec/errors.md</td><td>{@code check/}</td></tr>
 * <tr><td>lower</td><td>{@code lower}, {@code ir}</td>
 *     <td>{@link dev.rlo.compiler.lower.Lowerer#lower}: the checked AST, every fn inlined and every
 *     builtin expanded, to an IR {@link dev.rlo.compiler.ir.Graph} of {@link dev.rlo.compiler.ir.Op}s</td>
 *     <td>spec/ir.md#lowering</td><td>{@code ir/}</td></tr>
 * <tr><td>passes</td><td>{@code pass}, {@code grad}</td>
 *     <td>{@link dev.rlo.compiler.Pipeline}: autodiff (one VJP table,
 *     {@link dev.rlo.compiler.grad.VjpRules}), constant folding, CSE; the
 *     {@link dev.rlo.compiler.ir.IrVerifier} after each</td>
 *     <td>spec/ir.md#passes</td><td>{@code ir/}</td></tr>
 * <tr><td>fuse</td><td>{@code fuse}</td>
 *     <td>{@link dev.rlo.compiler.fuse.FusePass#plan}: the graph as kernels over buffers, loss and
 *     gradients in as few passes over the data as the dependencies allow</td>
 *     <td>spec/ir.md#fusion</td><td>{@code plan/*.plan}</td></tr>
 * <tr><td>backends</td><td>{@code backend} and below</td>
 *     <td>{@link dev.rlo.compiler.backend.Backend}: {@code reference} (node by node in f64, the
 *     oracle), {@code cpu} (generated Java, Vector API), {@code gpu} (OpenCL C and CUDA C from the
 *     same plan), {@code python} (PyTorch, JAX and NumPy modules)</td>
 *     <td>spec/ir.md#backends, spec/gpu.md, spec/python.md</td>
 *     <td>{@code plan/*.java}, {@code plan/*.cl}, {@code plan/*.cu}, {@code python/}</td></tr>
 * </table>
 *
 * <p>{@link dev.rlo.compiler.Compiler} is the facade over all of them (load, check, compile, run),
 * {@link dev.rlo.compiler.Session} the checked modules of one command, and {@code truffle} makes rlo
 * a Truffle language whose objectives are root nodes launching the cpu backend's kernels.
 *
 * <p>Beneath the phases: {@code types} (dtypes, tensor types, sized dimensions), {@code source}
 * (files and spans), {@code base} (user errors, limits), {@code numerics} (special functions,
 * compensated sums), {@code tensor} (runtime tensors), {@code io} (JSON, .npy), {@code diag}
 * (diagnostics). A package uses only packages below it; {@code LayersTest} holds the layers and
 * fails on an upward import.
 */
package dev.rlo.compiler;
