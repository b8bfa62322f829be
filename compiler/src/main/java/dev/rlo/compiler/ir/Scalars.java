package dev.rlo.compiler.ir;

import dev.rlo.compiler.numerics.Special;
import dev.rlo.compiler.types.DType;

/**
 * The value of each element-wise {@link Op} on one element, in f64: the "semantics" column of
 * spec/ir.md, executable. Constant folding and the reference backend's element loops use it; every
 * other backend is tested against it. Bools are 0 and 1; {@link DType#round} stores a result in a dtype.
 */
public final class Scalars {

    private Scalars() { }

    public static double apply(Op op, Attrs attrs, double... x) {
        return switch (op) {
            case NEG -> -x[0];
            case NOT -> x[0] == 0 ? 1 : 0;
            case ABS -> Math.abs(x[0]);
            case SIGN -> Math.signum(x[0]);
            case EXP -> Math.exp(x[0]);
            case LOG -> Math.log(x[0]);
            case LOG1P -> Math.log1p(x[0]);
            case EXPM1 -> Math.expm1(x[0]);
            case FLOOR -> Math.floor(x[0]);
            case CEIL -> Math.ceil(x[0]);
            case SQRT -> Math.sqrt(x[0]);
            case TANH -> Math.tanh(x[0]);
            case SIGMOID -> Special.sigmoid(x[0]);
            case SOFTPLUS -> Special.softplus(x[0]);
            case NORMAL_CDF -> Special.normalCdf(x[0]);
            case NORMAL_ICDF -> Special.normalIcdf(x[0]);
            case LGAMMA -> Special.lgamma(x[0]);
            case POLYGAMMA -> Special.polygamma(((Attrs.Order) attrs).n(), x[0]);
            case CAST -> ((Attrs.Cast) attrs).dtype().round(x[0]);
            case ADD -> x[0] + x[1];
            case SUB -> x[0] - x[1];
            case MUL -> x[0] * x[1];
            case DIV -> x[0] / x[1];
            case POW -> Math.pow(x[0], x[1]);
            case MIN -> Math.min(x[0], x[1]);
            case MAX -> Math.max(x[0], x[1]);
            case LT -> x[0] < x[1] ? 1 : 0;
            case LE -> x[0] <= x[1] ? 1 : 0;
            case GT -> x[0] > x[1] ? 1 : 0;
            case GE -> x[0] >= x[1] ? 1 : 0;
            case EQ -> x[0] == x[1] ? 1 : 0;
            case NE -> x[0] != x[1] ? 1 : 0;
            case AND -> x[0] != 0 && x[1] != 0 ? 1 : 0;
            case OR -> x[0] != 0 || x[1] != 0 ? 1 : 0;
            case WHERE -> x[0] != 0 ? x[1] : x[2];
            case CLIP -> Math.min(Math.max(x[0], x[1]), x[2]);
            default -> throw new IllegalArgumentException(op.label() + " is not element-wise");
        };
    }
}
