# ---- the prelude: what every rlo module for JAX starts with (spec/python.md) --------------------

Result = collections.namedtuple("Result", "loss reports")
Result.__doc__ = "An objective's 0-d loss, carrying rlo's gradient into jax.grad, and its reports."
LossAndGrads = collections.namedtuple("LossAndGrads", "loss reports grads")
LossAndGrads.__doc__ = "An objective's loss, reports and gradients (by input name), all computed by rlo's rules."


def group_ids(uids):
    """Dense i32 group ids, 0, 1, ... in order of first appearance, for uids (strings or integers, as
    verl's `index`): the keys a grouped reduction (`by:`) takes."""
    seen = {}
    ids = [seen.setdefault(u, len(seen)) for u in (uids.tolist() if hasattr(uids, "tolist") else uids)]
    return jnp.asarray(ids, jnp.int32)


def _traced(x):
    return isinstance(x, jax.core.Tracer)


def _declared(dtype, dims):
    return dtype + ("[" + ",".join(dims) + "]" if dims else "")


def _bind(fn, spec, args, check):
    """The inputs as arrays in their declared dtypes, and each dimension's size.

    Floats compute in _F: float64 when an f32 input is given as float64 (which
    needs jax_enable_x64), else float32. A bool input takes any dtype (nonzero is true), an i32
    input any integer dtype. Knobs become 0-d arrays. The list returned last collects the checks
    that read values: None when check is off or any input is traced (under jit, grad or vmap,
    gather indices are clipped into range, as JAX's own gathers are).
    """
    given = []
    for (name, dtype, dims), a in zip(spec, args):
        if a is None:
            raise TypeError(f"missing input `{name}`: expected {_declared(dtype, dims)}")
        given.append(a if dims is None else jnp.asarray(a))
    F = jnp.float64 if any(a.dtype == jnp.float64 for (_, dtype, dims), a in zip(spec, given) if dtype == "f32" and dims is not None) else jnp.float32
    concrete = not any(_traced(a) for a in given)
    sizes, first, err, out = {}, {}, [] if check and concrete else None, []
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
            a = a if a.dtype == jnp.bool_ else a != 0
        elif dtype == "i32":
            if not (jnp.issubdtype(a.dtype, jnp.integer) or a.dtype == jnp.bool_):
                raise TypeError(f"input `{name}` holds {a.dtype}, but {fn} declares {expected}: pass integers")
            a = a.astype(jnp.int32)
        else:
            a = a.astype(F if dtype == "f32" else jnp.float64)
            if err is not None:
                err.append((~jnp.isfinite(a), a, dims,
                            f"input `{name}` has a non-finite value ({{value}}) at {{at}}; expected {expected}", ValueError))
        out.append(a)
    return F, None, sizes, err, out


def _knob(fn, name, dtype, v, F):
    """A knob (a hyper-parameter set per call) as a 0-d array; an integer knob must hold an integer."""
    if jnp.ndim(v) != 0:
        raise ValueError(f"knob `{name}` of {fn} is a scalar, not an array of shape {list(jnp.shape(v))}")
    if dtype == "i32" and not _traced(v) and v != int(v):
        raise ValueError(f"knob `{name}` of {fn} is an integer (i32), not {v}")
    return jnp.asarray(v, dtype=F if dtype == "f32" else jnp.float64 if dtype == "f64" else jnp.int32 if dtype == "i32" else jnp.bool_)


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
        if bool(jnp.any(bad)):
            i = int(jnp.flatnonzero(bad)[0])
            at = [f"{d}={int(k)}" for d, k in zip(dims or (), jnp.unravel_index(i, jnp.shape(bad)))]
            raise kind(message.format(value=_show(jnp.ravel(values)[i].item()), at="[" + ", ".join(at) + "]"))


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


def _check_index(err, index, n, dim):
    if err is not None and not _traced(index):
        err.append(((index < 0) | (index >= n), index, None,
                    f"index {{value}} is out of range for dimension {dim} of size {n}", IndexError))


def _gather(x, index, n, dim, err):
    """x (gathered along its last axis) at index; the other axes broadcast by position."""
    shape = jnp.broadcast_shapes(jnp.shape(x)[:-1], jnp.shape(index))
    index = jnp.broadcast_to(index, shape)
    _check_index(err, index, n, dim)
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
