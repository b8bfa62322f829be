# ---- JAX: checks run where values are at hand, not under jit, grad or vmap (indices are clipped there)

_F32, _F64, _I32, _I64, _BOOL = jnp.float32, jnp.float64, jnp.int32, jnp.int64, jnp.bool_


def _checking(arrays):
    return not any(isinstance(a, jax.core.Tracer) for a in arrays)


def _device(args):
    return None


def _asarray(name, a, dev):
    return jnp.asarray(a)


def _cast(a, dtype):
    return a.astype(dtype)


def _integral(a):
    return jnp.issubdtype(a.dtype, jnp.integer) or a.dtype == jnp.bool_


def _finite(a):
    return jnp.isfinite(a)


def _failed(masks):
    return [bool(jnp.any(m)) for m in masks]


def _first(bad):
    return int(jnp.flatnonzero(bad)[0])


def _scalar(v, dtype, dev):
    return jnp.asarray(v, dtype=dtype)


def _array(values, dtype, dev):
    return jnp.asarray(values, dtype)


def _out(x):
    return jnp.asarray(x)


def _grad(g, x):
    """A gradient in its input's dtype."""
    dtype = jnp.asarray(x).dtype
    return g.astype(dtype) if jnp.issubdtype(dtype, jnp.floating) else g


def _scaled(grad_loss, g):
    return (grad_loss * g).astype(g.dtype)


def _softplus(x):
    """max(x, 0) + log1p(e^-|x|)."""
    return jnp.maximum(x, 0) + jnp.log1p(jnp.exp(-jnp.abs(x)))


def _normal_cdf(x):
    return jax.scipy.special.ndtr(x)


def _normal_icdf(x):
    return jax.scipy.special.ndtri(x)


def _lgamma(x):
    return jax.scipy.special.gammaln(x)


def _polygamma(k, x):
    """The k-th derivative of digamma; NaN at the poles 0, -1, -2, ..."""
    pole = (x <= 0) & (x == jnp.floor(x))
    return jnp.where(pole, jnp.nan, jax.scipy.special.polygamma(k, x)).astype(x.dtype)


def _to_i32(x):
    """A float cast to i32: toward zero, NaN to 0, saturating at the ends of the range."""
    top = 2147483647.0 if x.dtype == jnp.float64 else 2147483520.0
    inside = jnp.clip(jnp.nan_to_num(x, nan=0.0), -2147483648.0, top).astype(jnp.int32)
    return jnp.where(x >= 2147483647.0, jnp.int32(2147483647), inside)


def _gather(x, index, n, dim, err, where=None, written=None):
    """x (gathered along its last axis) at index; the other axes broadcast by position."""
    shape = jnp.broadcast_shapes(jnp.shape(x)[:-1], jnp.shape(index))
    index = jnp.broadcast_to(index, shape)
    _check_index(err, index, n, dim, where, written)
    index = jnp.clip(index, 0, max(n - 1, 0))[..., None]
    return jnp.take_along_axis(jnp.broadcast_to(x, shape + (jnp.shape(x)[-1],)), index, axis=-1)[..., 0]


def _scatter_add(g, index, k, n, dim, err):
    """Zeros of shape g.shape[:k] + (n,), g added at index along the last axis (g's axes after k summed)."""
    index = jnp.broadcast_to(index, jnp.shape(g))
    _check_index(err, index, n, dim)
    lead = jnp.shape(g)[:k]
    rows, cols = math.prod(lead), math.prod(jnp.shape(g)[k:])
    index = jnp.clip(index, 0, max(n - 1, 0)).reshape(rows, cols)
    out = jnp.zeros((rows, n), g.dtype).at[jnp.arange(rows)[:, None], index].add(jnp.reshape(g, (rows, cols)))
    return out.reshape(lead + (n,))


def _scan(x, c, axis, reverse):
    """a_t = x_t + c_t a_(t-1) along axis, from the end when reverse (lax.scan); a before the first step is 0."""
    x, c = jnp.broadcast_arrays(x, c)

    def step(a, xc):
        a = xc[0] + xc[1] * a
        return a, a

    start = jnp.zeros(x.shape[:axis] + x.shape[axis + 1:], x.dtype)
    _, out = jax.lax.scan(step, start, (jnp.moveaxis(x, axis, 0), jnp.moveaxis(c, axis, 0)), reverse=reverse)
    return jnp.moveaxis(out, 0, axis)


def _shift(x, fill, axis, by):
    """y_t = x_(t-by) inside the axis, fill_t outside it."""
    x, fill = jnp.broadcast_arrays(x, fill)
    t = jnp.arange(x.shape[axis]) - by
    inside = ((t >= 0) & (t < x.shape[axis])).reshape((-1,) + (1,) * (x.ndim - axis - 1))
    return jnp.where(inside, jnp.roll(x, by, axis), fill)


def _argsort(x, axis, descending):
    """The stable sorting permutation; NaN last either way, -0 equal to 0."""
    key = x if jnp.issubdtype(x.dtype, jnp.floating) else x.astype(jnp.float32)
    key = (-key if descending else key) + 0.0
    return jnp.argsort(key, axis=axis, stable=True).astype(jnp.int32)
