# ---- NumPy: arrays and typed scalars; every check runs

_F32, _F64, _I32, _I64, _BOOL = np.float32, np.float64, np.int32, np.int64, np.bool_


def _quiet(f):
    """NumPy's warnings about infinities and NaN off: rlo defines those values (spec/ir.md)."""
    @functools.wraps(f)
    def quiet(*args, **kwargs):
        with np.errstate(all="ignore"):
            return f(*args, **kwargs)
    return quiet


def _checking(arrays):
    return True


def _device(args):
    return None


def _asarray(name, a, dev):
    return np.asarray(a)


def _cast(a, dtype):
    return a.astype(dtype)


def _integral(a):
    return a.dtype.kind in "iub"


def _finite(a):
    return np.isfinite(a)


def _failed(masks):
    return [bool(np.any(m)) for m in masks]


def _first(bad):
    return int(np.flatnonzero(bad)[0])


def _scalar(v, dtype, dev):
    return dtype(v)


def _array(values, dtype, dev):
    return np.asarray(values, dtype)


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


def _gather(x, index, n, dim, err, where=None, written=None):
    """x (gathered along its last axis) at index; the other axes broadcast by position."""
    shape = np.broadcast_shapes(np.shape(x)[:-1], np.shape(index))
    index = np.broadcast_to(index, shape)
    _check_index(err, index, n, dim, where, written)
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
