# ---- the prelude: what every rlo module for PyTorch starts with (spec/python.md) ----------------

Result = collections.namedtuple("Result", "loss reports")
Result.__doc__ = "An objective's 0-d loss, carrying rlo's gradient into autograd, and its reports (detached)."
LossAndGrads = collections.namedtuple("LossAndGrads", "loss reports grads")
LossAndGrads.__doc__ = "An objective's loss, reports and gradients (by input name), all computed by rlo's rules."


def group_ids(uids, device=None):
    """Dense i32 group ids, 0, 1, ... in order of first appearance, for uids (strings or integers, as
    verl's `index`): the keys a grouped reduction (`by:`) takes."""
    seen = {}
    ids = [seen.setdefault(u, len(seen)) for u in (uids.tolist() if hasattr(uids, "tolist") else uids)]
    return torch.tensor(ids, dtype=torch.int32, device=device)


def _eager():
    """False while torch.compile traces: the checks that read values (a host sync) are skipped then."""
    compiler = getattr(torch, "compiler", None)
    if compiler is not None and hasattr(compiler, "is_compiling"):
        return not compiler.is_compiling()
    dynamo = getattr(torch, "_dynamo", None)
    return dynamo is None or not dynamo.is_compiling()


def _declared(dtype, dims):
    return dtype + ("[" + ",".join(dims) + "]" if dims else "")


def _bind(fn, spec, args, check):
    """The inputs as tensors on one device in their declared dtypes, and each dimension's size.

    Floats compute in _F: float64 when an f32 input is given as float64, else
    float32 (bf16 and f16 inputs are upcast). A bool input takes any dtype (nonzero is true), an i32
    input any integer dtype. Knobs become 0-d tensors. The list returned last collects the checks
    that read values (None when check is off or torch.compile traces); _done runs them.
    """
    dev = next((a.device for a in args if isinstance(a, torch.Tensor)), torch.device("cpu"))
    given = []
    for (name, dtype, dims), a in zip(spec, args):
        if a is None:
            raise TypeError(f"missing input `{name}`: expected {_declared(dtype, dims)}")
        given.append(a if isinstance(a, torch.Tensor) or dims is None else torch.as_tensor(a, device=dev))
    F = torch.float64 if any(a.dtype == torch.float64 for (_, dtype, dims), a in zip(spec, given) if dtype == "f32" and dims is not None) else torch.float32
    sizes, first, err, out = {}, {}, [] if check and _eager() else None, []
    for (name, dtype, dims), a in zip(spec, given):
        if dims is None:
            out.append(_knob(fn, name, dtype, a, F, dev))
            continue
        if a.dim() != len(dims):
            raise ValueError(f"input `{name}` has shape {list(a.shape)}, but {fn} declares {_declared(dtype, dims)}: "
                             f"expected {len(dims)} axes ({', '.join(dims)}), in that order")
        if a.device != dev:
            raise ValueError(f"input `{name}` is on {a.device}, but the first tensor input is on {dev}")
        for d, size in zip(dims, a.shape):
            if sizes.setdefault(d, size) != size:
                raise ValueError(f"dimension {d} is {sizes[d]} in `{first[d]}` but {size} in `{name}`")
            first.setdefault(d, name)
        expected = _declared(dtype, dims)
        if dtype == "bool":
            a = a if a.dtype == torch.bool else a != 0
        elif dtype == "i32":
            if a.is_floating_point() or a.is_complex():
                raise TypeError(f"input `{name}` holds {a.dtype}, but {fn} declares {expected}: pass integers")
            if err is not None and a.dtype == torch.int64:
                err.append(((a < -2147483648) | (a > 2147483647), a, dims,
                            f"input `{name}` has the value {{value}}, which is not an i32, at {{at}}; expected {expected}", ValueError))
            a = a.to(torch.int32)
        else:
            a = a.to(F if dtype == "f32" else torch.float64)
            if err is not None:
                err.append((~torch.isfinite(a), a, dims,
                            f"input `{name}` has a non-finite value ({{value}}) at {{at}}; expected {expected}", ValueError))
        out.append(a)
    return F, dev, sizes, err, out


def _knob(fn, name, dtype, v, F, dev):
    """A knob (a hyper-parameter set per call) as a 0-d tensor; an integer knob must hold an integer."""
    dt = F if dtype == "f32" else torch.float64 if dtype == "f64" else torch.int32 if dtype == "i32" else torch.bool
    if isinstance(v, torch.Tensor):
        if v.dim() != 0:
            raise ValueError(f"knob `{name}` of {fn} is a scalar, not a tensor of shape {list(v.shape)}")
        return v.to(device=dev, dtype=dt)
    if dtype == "i32" and v != int(v):
        raise ValueError(f"knob `{name}` of {fn} is an integer (i32), not {v}")
    return torch.full((), v, dtype=dt, device=dev)


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
    """Raises the first check that failed, with rlo's wording; one host sync for all of them."""
    if not err:
        return
    for failed, (bad, values, dims, message, kind) in zip(torch.stack([c[0].any() for c in err]).tolist(), err):
        if failed:
            i = int(bad.reshape(-1).nonzero()[0])
            at = [f"{d}={k}" for d, k in zip(dims or (), _unravel(i, bad.shape))]
            raise kind(message.format(value=_show(values.reshape(-1)[i].item()), at="[" + ", ".join(at) + "]"))


def _unravel(i, shape):
    out = []
    for n in reversed(shape):
        out.append(i % n)
        i //= n
    return out[::-1]


def _out(x):
    return x.contiguous()


def _grad(g, x):
    """A gradient in its input's dtype (a bf16 input gets a bf16 gradient)."""
    if isinstance(x, torch.Tensor) and x.is_floating_point():
        g = g.to(x.dtype)
    return g.contiguous()


def _scaled(grad_loss, g):
    return (grad_loss * g).to(g.dtype)


def _sign(x):
    """-1, 0 or 1; NaN stays NaN (torch.sign gives 0)."""
    return torch.where(torch.isnan(x), x, torch.sign(x))


def _softplus(x):
    """max(x, 0) + log1p(e^-|x|), with no threshold (torch.nn.functional.softplus has one)."""
    return torch.clamp(x, min=0) + torch.log1p(torch.exp(-torch.abs(x)))


def _normal_cdf(x):
    return torch.special.ndtr(x.double()).to(x.dtype)


def _normal_icdf(x):
    return torch.special.ndtri(x.double()).to(x.dtype)


def _lgamma(x):
    return torch.lgamma(x.double()).to(x.dtype)


def _polygamma(k, x):
    """The k-th derivative of digamma, in f64; NaN at the poles 0, -1, -2, ... (torch gives infinities)."""
    d = x.double()
    pole = (d <= 0) & (d == torch.floor(d))
    return torch.where(pole, torch.full_like(d, math.nan), torch.special.polygamma(k, d)).to(x.dtype)


def _to_i32(x):
    """A float cast to i32: toward zero, NaN to 0, saturating at the ends of the range."""
    return torch.nan_to_num(x.double(), nan=0.0).clamp(-2147483648.0, 2147483647.0).to(torch.int32)


def _check_index(err, index, n, dim):
    if err is not None:
        err.append(((index < 0) | (index >= n), index, None,
                    f"index {{value}} is out of range for dimension {dim} of size {n}", IndexError))


def _gather(x, index, n, dim, err):
    """x (gathered along its last axis) at index; the other axes broadcast by position."""
    shape = torch.broadcast_shapes(x.shape[:-1], index.shape)
    index = index.expand(shape)
    _check_index(err, index, n, dim)
    index = index.clamp(0, max(n - 1, 0)).long().unsqueeze(-1)
    return torch.gather(x.expand(*shape, x.shape[-1]), -1, index).squeeze(-1)


def _scatter_add(g, index, k, n, dim, err):
    """Zeros of shape g.shape[:k] + (n,), g added at index along the last axis (g's axes after k summed)."""
    index = index.expand(g.shape)
    _check_index(err, index, n, dim)
    lead = g.shape[:k]
    wide = torch.float64 if g.is_floating_point() else torch.int64
    out = torch.zeros(*lead, n, dtype=wide, device=g.device)
    index = index.clamp(0, max(n - 1, 0)).long().reshape(*lead, -1)
    return out.scatter_add(-1, index, g.reshape(*lead, -1).to(wide)).to(g.dtype)


def _scan(x, c, axis, reverse):
    """a_t = x_t + c_t a_(t-1) along axis, from the end when reverse; a before the first step is 0."""
    x, c = torch.broadcast_tensors(x, c)
    x, c = x.movedim(axis, 0), c.movedim(axis, 0)
    out = [None] * x.shape[0]
    a = torch.zeros_like(x[0]) if out else None
    for t in range(x.shape[0] - 1, -1, -1) if reverse else range(x.shape[0]):
        a = x[t] + c[t] * a
        out[t] = a
    return torch.stack(out).movedim(0, axis) if out else x.movedim(0, axis)


def _shift(x, fill, axis, by):
    """y_t = x_(t-by) inside the axis, fill_t outside it."""
    x, fill = torch.broadcast_tensors(x, fill)
    t = torch.arange(x.shape[axis], device=x.device) - by
    inside = ((t >= 0) & (t < x.shape[axis])).reshape([-1] + [1] * (x.dim() - axis - 1))
    return torch.where(inside, torch.roll(x, by, axis), fill)


def _argsort(x, axis, descending):
    """The stable sorting permutation; NaN last either way, -0 equal to 0."""
    key = x if x.is_floating_point() else x.double()
    key = (-key if descending else key) + 0.0
    return torch.sort(key, dim=axis, stable=True).indices.to(torch.int32)
