"""Derives the coefficients of runtime/nn/Tanh.java and checks the algorithm in f32 against float64 tanh.

    /usr/bin/python3 runtime/src/test/resources/tanh_fit.py

Each polynomial is a least-squares fit of the relative error on Chebyshev nodes, reweighted toward
minimax (iteratively reweighted least squares), rounded to f32:
  tanh(x) = x + x^3 q(x^2)        on [0, 0.625], q with 5 coefficients
  exp(r)  = 1 + r + r^2 p(r)      on [-ln2/2, ln2/2], p with 5 coefficients
"""
import numpy as np

f = np.float32


def fit(lo, hi, target, weight, basis, n=4000, terms=5):
    t = lo + (hi - lo) * (0.5 - 0.5 * np.cos(np.pi * (np.arange(n) + 0.5) / n))
    t = t[np.abs(t) > 1e-4]
    a = np.vstack([basis(t) ** k for k in range(terms)]).T
    w = weight(t)
    coef, *_ = np.linalg.lstsq(a * w[:, None], target(t) * w, rcond=None)
    for _ in range(50):
        reweight = np.abs((a @ coef - target(t)) * w) ** 0.5 + 1e-30
        coef, *_ = np.linalg.lstsq(a * (w * reweight)[:, None], target(t) * w * reweight, rcond=None)
    return coef.astype(f)


Q = fit(0, 0.625, lambda x: (np.tanh(x) - x) / x ** 3, lambda x: x ** 3 / np.tanh(x), lambda x: x * x)
h = np.log(2) / 2
P = fit(-h, h, lambda r: (np.exp(r) - 1 - r) / r ** 2, lambda r: r ** 2 / np.exp(r), lambda r: r)


def horner(v, c):
    acc = np.full_like(v, c[-1])
    for k in reversed(c[:-1]):
        acc = (acc * v + k).astype(f)
    return acc


def tanh32(x):
    ax = np.abs(x)
    s = (x * x).astype(f)
    small = (x + ((x * s).astype(f) * horner(s, Q)).astype(f)).astype(f)
    y = np.minimum((ax + ax).astype(f), f(20))
    k = (((y * f(1.4426950408889634)).astype(f) + f(12582912)).astype(f) - f(12582912)).astype(f)
    r = ((y - (k * f(0.693145751953125)).astype(f)).astype(f) - (k * f(1.4286067653e-06)).astype(f)).astype(f)
    er = ((r + f(1)).astype(f) + ((r * r).astype(f) * horner(r, P)).astype(f)).astype(f)
    e = (er * ((k.astype(np.int32) + 127) << 23).astype(np.int32).view(f)).astype(f)
    large = (f(1) - (f(2) / (e + f(1))).astype(f)).astype(f)
    return np.where(ax < f(0.625), small, np.copysign(large, x)).astype(f)


if __name__ == "__main__":
    print("Q =", [float(c) for c in Q])
    print("P =", [float(c) for c in P])
    x = np.concatenate([np.linspace(0, 10, 2000001).astype(f), np.logspace(-30, 0, 20001).astype(f)])
    exact = np.tanh(x.astype(np.float64))
    ulps = np.abs(tanh32(x).astype(np.float64) - exact) / np.spacing(np.abs(exact).astype(f)).astype(np.float64)
    print("max error %.3f ulp at x = %r" % (ulps.max(), float(x[np.argmax(ulps)])))
