# ---- the prelude: what every rlo module for NumPy starts with (spec/python.md) ------------------

Result = collections.namedtuple("Result", "loss reports")
Result.__doc__ = "An objective's 0-d loss and its reports."
LossAndGrads = collections.namedtuple("LossAndGrads", "loss reports grads")
LossAndGrads.__doc__ = "An objective's loss, reports and gradients (by input name), all computed by rlo's rules."


def group_ids(uids):
    """Dense i32 group ids, 0, 1, ... in order of first appearance, for uids (strings or integers, as
    verl's `index`): the keys a grouped reduction (`by:`) takes."""
    seen = {}
    ids = [seen.setdefault(u, len(seen)) for u in (uids.tolist() if hasattr(uids, "tolist") else uids)]
    return np.asarray(ids, np.int32)


def _quiet(f):
    """NumPy's warnings about infinities and NaN off: rlo defines those values (spec/ir.md)."""
    @functools.wraps(f)
    def quiet(*args, **kwargs):
        with np.errstate(all="ignore"):
            return f(*args, **kwargs)
    return quiet


def _declared(dtype, dims):
    return dtype + ("[" + ",".join(dims) + "]" if dims else "")


def _bind(fn, spec, args, check):
    """The inputs as arrays in their declared dtypes, and each dimension's size.

    Floats compute in _F: float64 when an f32 input is given as float64, else
    float32. A bool input takes any dtype (nonzero is true), an i32 input any integer dtype. Knobs
    become typed scalars. The list returned last collects the checks that read values (None when
    check is off); _done runs them.
    """
    given = []
    for (name, dtype, dims), a in zip(spec, args):
        if a is None:
            raise TypeError(f"missing input `{name}`: expected {_declared(dtype, dims)}")
        given.append(a if dims is None else np.asarray(a))
    F = np.float64 if any(a.dtype == np.float64 for (_, dtype, dims), a in zip(spec, given) if dtype == "f32" and dims is not None) else np.float32
    sizes, first, err, out = {}, {}, [] if check else None, []
    for (name, dtype, dims), a in zip(spec, given):
        if dims is None:
            out.append(_knob(fn, name, dtype, a, F))
            continue
        if a.ndim != len(dims):
            raise ValueError(f"input `{name}` has shape {list(a.shape)}, but {fn} declares {_declared(dtype, dims)}: "
                             f"expected {len(dims)} axes ({', '.join(dims)}), in that order")
        for d, size in zip(dims, a.shape):
            if sizes.setdefault(d, size) != size:
                raise ValueError(f"dimension {d} is {sizes[d]} in `{first[d]}` but {size} in `{name}`")
            first.setdefault(d, name)
        expected = _declared(dtype, dims)
        if dtype == "bool":
            a = a if a.dtype == np.bool_ else a != 0
        elif dtype == "i32":
            if a.dtype.kind not in "iub":
                raise TypeError(f"input `{name}` holds {a.dtype}, but {fn} declares {expected}: pass integers")
            if err is not None:
                err.append(((a < -2147483648) | (a > 2147483647), a, dims,
                            f"input `{name}` has the value {{value}}, which is not an i32, at {{at}}; expected {expected}", ValueError))
            a = a.astype(np.int32)
        else:
            a = a.astype(F if dtype == "f32" else np.float64)
            if err is not None:
                err.append((~np.isfinite(a), a, dims,
                            f"input `{name}` has a non-finite value ({{value}}) at {{at}}; expected {expected}", ValueError))
        out.append(a)
    return F, None, sizes, err, out


def _knob(fn, name, dtype, v, F):
    """A knob (a hyper-parameter set per call) as a typed scalar; an integer knob must hold an integer."""
    if np.ndim(v) != 0:
        raise ValueError(f"knob `{name}` of {fn} is a scalar, not an array of shape {list(np.shape(v))}")
    if dtype == "i32" and v != int(v):
        raise ValueError(f"knob `{name}` of {fn} is an integer (i32), not {v}")
    return F(v) if dtype == "f32" else np.float64(v) if dtype == "f64" else np.int32(v) if dtype == "i32" else np.bool_(v)


def _fixed(fn, name, value, compiled):
    """A hyper-parameter a compile-time attribute needs keeps the value it was emitted with."""
    if value != compiled:
        raise ValueError(f"{fn}: `{name}` is fixed at {compiled} in this module, since rlo needs it when compiling; "
                         f"emit the module again with rlo compile --set {name}={value}")


def _rename(sizes, source, target):
    if sizes.setdefault(target, sizes[source]) != sizes[source]:
        raise ValueError(f"dimension {target} is {sizes[target]} but the rename {source} -> {target} gives it size {sizes[source]}")


def _show(v):
    return {math.inf: "Infinity", -math.inf: "-Infinity"}.get(v, "NaN" if v != v else str(v))


def _done(err):
    """Raises the first check that failed, with rlo's wording."""
    for bad, values, dims, message, kind in err or ():
        if np.any(bad):
            i = int(np.flatnonzero(bad)[0])
            at = [f"{d}={k}" for d, k in zip(dims or (), np.unravel_index(i, np.shape(bad)))]
            raise kind(message.format(value=_show(np.ravel(values)[i].item()), at="[" + ", ".join(at) + "]"))


def _out(x):
    x = np.asarray(x)
    return x if x.flags.c_contiguous and x.flags.writeable else x.copy()


def _grad(g, x):
    """A gradient in its input's dtype."""
    dtype = getattr(x, "dtype", None)
    return _out(g.astype(dtype) if dtype is not None and dtype.kind == "f" else g)


def _sigmoid(x):
    """1/(1 + e^-x), without overflow."""
    e = np.exp(-np.abs(x))
    one = x.dtype.type(1)
    return np.where(x >= 0, one / (one + e), e / (one + e))


def _softplus(x):
    """max(x, 0) + log1p(e^-|x|)."""
    return np.maximum(x, x.dtype.type(0)) + np.log1p(np.exp(-np.abs(x)))


def _special(name, x, *k):
    from scipy import special
    return getattr(special, name)(*k, np.asarray(x, np.float64)).astype(x.dtype)


def _normal_cdf(x):
    return _special("ndtr", x)


def _normal_icdf(x):
    return _special("ndtri", x)


def _lgamma(x):
    return _special("gammaln", x)


def _polygamma(k, x):
    """The k-th derivative of digamma, in f64; NaN at the poles 0, -1, -2, ..."""
    pole = (x <= 0) & (x == np.floor(x))
    return np.where(pole, x.dtype.type(math.nan), _special("polygamma", x, k))


def _logsumexp(x, axes):
    """m + log sum e^(x - m) over axes in f64, m the maximum; m itself where m is infinite or NaN."""
    dtype, x = x.dtype, np.asarray(x, np.float64)
    m = np.max(x, axis=axes, keepdims=True)
    s = np.log(np.sum(np.exp(x - np.where(np.isfinite(m), m, 0.0)), axis=axes))
    m = np.squeeze(m, axis=axes)
    return np.where(np.isfinite(m), m + s, m).astype(dtype)


def _to_i32(x):
    """A float cast to i32: toward zero, NaN to 0, saturating at the ends of the range."""
    return np.clip(np.nan_to_num(np.asarray(x, np.float64), nan=0.0), -2147483648.0, 2147483647.0).astype(np.int32)


def _check_index(err, index, n, dim):
    if err is not None:
        err.append(((index < 0) | (index >= n), index, None,
                    f"index {{value}} is out of range for dimension {dim} of size {n}", IndexError))


def _gather(x, index, n, dim, err):
    """x (gathered along its last axis) at index; the other axes broadcast by position."""
    shape = np.broadcast_shapes(np.shape(x)[:-1], np.shape(index))
    index = np.broadcast_to(index, shape)
    _check_index(err, index, n, dim)
    index = np.clip(index, 0, max(n - 1, 0)).astype(np.intp)[..., None]
    return np.take_along_axis(np.broadcast_to(x, shape + (np.shape(x)[-1],)), index, axis=-1)[..., 0]


def _scatter_add(g, index, k, n, dim, err):
    """Zeros of shape g.shape[:k] + (n,), g added at index along the last axis (g's axes after k summed)."""
    g = np.asarray(g)
    index = np.broadcast_to(index, g.shape)
    _check_index(err, index, n, dim)
    lead = g.shape[:k]
    rows, cols = math.prod(lead), math.prod(g.shape[k:])
    out = np.zeros((rows, n), np.float64 if g.dtype.kind == "f" else np.int64)
    index = np.clip(index, 0, max(n - 1, 0)).reshape(rows, cols)
    np.add.at(out, (np.arange(rows)[:, None], index), g.reshape(rows, cols))
    return out.reshape(lead + (n,)).astype(g.dtype)


def _scan(x, c, axis, reverse):
    """a_t = x_t + c_t a_(t-1) along axis, from the end when reverse; a before the first step is 0."""
    x, c = np.broadcast_arrays(x, c)
    x, c = np.moveaxis(x, axis, 0), np.moveaxis(c, axis, 0)
    out = np.empty(x.shape, x.dtype)
    a = np.zeros(x.shape[1:], x.dtype)
    for t in range(len(x) - 1, -1, -1) if reverse else range(len(x)):
        a = x[t] + c[t] * a
        out[t] = a
    return np.moveaxis(out, 0, axis)


def _shift(x, fill, axis, by):
    """y_t = x_(t-by) inside the axis, fill_t outside it."""
    x, fill = np.broadcast_arrays(x, fill)
    t = np.arange(x.shape[axis]) - by
    inside = ((t >= 0) & (t < x.shape[axis])).reshape((-1,) + (1,) * (x.ndim - axis - 1))
    return np.where(inside, np.roll(x, by, axis), fill)


def _argsort(x, axis, descending):
    """The stable sorting permutation; NaN last either way, -0 equal to 0."""
    key = x if x.dtype.kind == "f" else x.astype(np.float64)
    key = (-key if descending else key) + key.dtype.type(0)
    return np.argsort(key, axis=axis, kind="stable").astype(np.int32)
