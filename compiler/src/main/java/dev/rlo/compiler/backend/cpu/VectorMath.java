package dev.rlo.compiler.backend.cpu;

/**
 * exp, log, log1p, expm1 and tanh on whole f32 vectors, as source that {@link VectorTarget}
 * appends to a generated class whose kernels use them (spec/ir.md, *Vectors*).
 * <p>
 * Why not the Vector API's {@code lanewise(EXP)} and kin: C2 compiles them to vector intrinsics,
 * while before C2 has compiled a kernel they run {@code Math.exp} lane by lane, and the two differ
 * in the last bits. A kernel's results then depended on whether C2 had compiled it yet, and a run
 * was not the same bit for bit as the same run beside others (a sweep's runs compared with each
 * run alone showed it). These use only IEEE add, multiply, fused multiply-add, divide, compares,
 * blends and bit moves, which the interpreter and C2 compute alike.
 * <p>
 * exp and log are Cephes' single-precision ones (Moshier, {@code expf.c}, {@code logf.c}: a range
 * reduction by ln 2 in two parts, then a minimax polynomial; about 1 ulp); log1p and expm1 are
 * Goldberg's and Kahan's corrections of log(1 + x) and exp(x) − 1 (Goldberg, "What every computer
 * scientist should know about floating-point arithmetic", 1991, theorem 4), and tanh is Cephes'
 * odd polynomial below 0.625, expm1(2|x|) / (expm1(2|x|) + 2) with x's sign above. Worst errors
 * against {@code Math}, over 2²⁰ values of every scale and the special ones (VectorMathTest): exp
 * and log under 1 ulp, log1p, expm1 and tanh under 3. Special values as {@code Math}: NaN in, NaN out;
 * exp(−∞) = 0, exp(+∞) = +∞; log(±0) = −∞, log(x < 0) = NaN; tanh(−0) = −0.
 * <p>
 * exp's power of two comes from the bits of the rounding sum t = x·log₂e + 1.5·2²³, whose low bits
 * are n (bits(t) − bits(1.5·2²³) = n for |n| &lt; 2²²), clamped as ints: no float-to-int conversion
 * and no float min and max with NaN's and −0's rules, which took a tenth of PPO's loss at
 * N = 10⁵ (docs/benchmarks.md). Every f32 input gives the same bits as with n converted from the
 * float (all 2³² were compared once, and {@link F32Math#exp}'s likewise): lanes whose two powers
 * differ, x below −87.3 or a NaN, are overwritten by the last blends or stay NaN.
 */
final class VectorMath {

    private VectorMath() { }

    static final String SOURCE = """
                /* exp, log, log1p, expm1, tanh on vectors from IEEE arithmetic only, the same interpreted or compiled (VectorMath) */
                static FloatVector vexp(FloatVector x) {
                    final FloatVector t = x.mul(1.44269504088896341f).add(12582912f);
                    final FloatVector n = t.sub(12582912f);
                    FloatVector r = n.fma(FloatVector.broadcast(F, -0.693359375f), x);
                    r = n.fma(FloatVector.broadcast(F, 2.12194440e-4f), r);
                    FloatVector p = r.fma(1.9875691500e-4f, 1.3981999507e-3f);
                    p = p.fma(r, FloatVector.broadcast(F, 8.3334519073e-3f));
                    p = p.fma(r, FloatVector.broadcast(F, 4.1665795894e-2f));
                    p = p.fma(r, FloatVector.broadcast(F, 1.6666665459e-1f));
                    p = p.fma(r, FloatVector.broadcast(F, 5.0000001201e-1f));
                    FloatVector y = p.fma(r.mul(r), r).add(1f);
                    final FloatVector scale = (FloatVector) ((IntVector) t.reinterpretShape(I, 0)).sub(0x4B400000).min(127).max(-126).add(127)
                            .lanewise(VectorOperators.LSHL, 23).reinterpretShape(F, 0);
                    y = y.mul(scale);
                    y = y.blend(y.mul(2f), n.compare(VectorOperators.GT, 127f));
                    return y.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, 88.72283905f))
                            .blend(0f, x.compare(VectorOperators.LT, -87.33654475f));
                }

                static FloatVector vlog(FloatVector x) {
                    final VectorMask<Float> tiny = x.compare(VectorOperators.LT, 1.17549435e-38f);
                    final IntVector bits = (IntVector) x.blend(x.mul(8388608f), tiny).reinterpretShape(I, 0);
                    FloatVector e = (FloatVector) bits.lanewise(VectorOperators.LSHR, 23).and(0xFF).sub(126).convertShape(VectorOperators.I2F, F, 0);
                    e = e.sub(FloatVector.zero(F).blend(23f, tiny));
                    FloatVector m = (FloatVector) bits.and(0x807FFFFF).or(0x3F000000).reinterpretShape(F, 0);
                    final VectorMask<Float> low = m.compare(VectorOperators.LT, 0.707106781186547524f);
                    e = e.sub(FloatVector.zero(F).blend(1f, low));
                    m = m.add(m.blend(FloatVector.zero(F), low.not())).sub(1f);
                    final FloatVector z = m.mul(m);
                    FloatVector p = m.fma(7.0376836292e-2f, -1.1514610310e-1f);
                    p = p.fma(m, FloatVector.broadcast(F, 1.1676998740e-1f));
                    p = p.fma(m, FloatVector.broadcast(F, -1.2420140846e-1f));
                    p = p.fma(m, FloatVector.broadcast(F, 1.4249322787e-1f));
                    p = p.fma(m, FloatVector.broadcast(F, -1.6668057665e-1f));
                    p = p.fma(m, FloatVector.broadcast(F, 2.0000714765e-1f));
                    p = p.fma(m, FloatVector.broadcast(F, -2.4999993993e-1f));
                    p = p.fma(m, FloatVector.broadcast(F, 3.3333331174e-1f));
                    FloatVector y = p.mul(m).mul(z);
                    y = e.fma(FloatVector.broadcast(F, -2.12194440e-4f), y);
                    y = z.fma(FloatVector.broadcast(F, -0.5f), y);
                    y = m.add(y);
                    y = e.fma(FloatVector.broadcast(F, 0.693359375f), y);
                    return y.blend(Float.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0f))
                            .blend(Float.NaN, x.compare(VectorOperators.LT, 0f))
                            .blend(x, x.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY).or(x.test(VectorOperators.IS_NAN)));
                }

                static FloatVector vlog1p(FloatVector x) {
                    final FloatVector u = x.add(1f);
                    final FloatVector d = u.sub(1f);
                    return vlog(u).mul(x.div(d)).blend(x, d.compare(VectorOperators.EQ, 0f))
                            .blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY));
                }

                static FloatVector vexpm1(FloatVector x) {
                    final FloatVector u = vexp(x);
                    final FloatVector d = u.sub(1f);
                    return d.mul(x.div(vlog(u))).blend(x, u.compare(VectorOperators.EQ, 1f))
                            .blend(-1f, d.compare(VectorOperators.EQ, -1f))
                            .blend(Float.POSITIVE_INFINITY, u.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY));
                }

                static FloatVector vtanh(FloatVector x) {
                    final FloatVector a = x.abs();
                    final FloatVector t = vexpm1(a.mul(2f));
                    /* below 0.625, Cephes' odd polynomial (tanhf.c) */
                    final FloatVector z = a.mul(a);
                    FloatVector p = z.fma(-5.70498872745e-3f, 2.06390887954e-2f);
                    p = p.fma(z, FloatVector.broadcast(F, -5.37397155531e-2f));
                    p = p.fma(z, FloatVector.broadcast(F, 1.33314422036e-1f));
                    p = p.fma(z, FloatVector.broadcast(F, -3.33332819422e-1f));
                    final FloatVector r = t.div(t.add(2f)).blend(p.mul(z).fma(a, a), a.compare(VectorOperators.LT, 0.625f))
                            .blend(1f, a.compare(VectorOperators.GT, 9.1f));
                    return (FloatVector) ((IntVector) r.reinterpretShape(I, 0)).and(0x7FFFFFFF).or(((IntVector) x.reinterpretShape(I, 0)).and(0x80000000)).reinterpretShape(F, 0);
                }

            """;
}
