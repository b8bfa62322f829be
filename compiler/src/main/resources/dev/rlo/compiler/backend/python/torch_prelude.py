# ---- PyTorch: tensors on the inputs' device; checks need a host sync, skipped while torch.compile traces

_F32, _F64, _I32, _I64, _BOOL = torch.float32, torch.float64, torch.int32, torch.int64, torch.bool


def _checking(arrays):
    """False while torch.compile traces: the checks that read values (a host sync) are skipped then."""
    compiler = getattr(torch, "compiler", None)
    if compiler is not None and hasattr(compiler, "is_compiling"):
        return not compiler.is_compiling()
    dynamo = getattr(torch, "_dynamo", None)
    return dynamo is None or not dynamo.is_compiling()


def _device(args):
    for a in args:
        if isinstance(a, torch.Tensor):
            return a.device
    return torch.device("cpu")


def _asarray(name, a, dev):
    if not isinstance(a, torch.Tensor):
        return torch.as_tensor(a, device=dev)
    if a.device != dev:
        raise ValueError(f"input `{name}` is on {a.device}, but the first tensor input is on {dev}")
    return a


def _cast(a, dtype):
    return a.to(dtype)


def _integral(a):
    return not (a.is_floating_point() or a.is_complex())


def _finite(a):
    return torch.isfinite(a)


def _failed(masks):
    return torch.stack([m.any() for m in masks]).tolist()       # one host sync for all the checks


def _first(bad):
    return int(bad.reshape(-1).nonzero()[0])


def _scalar(v, dtype, dev):
    return v.to(device=dev, dtype=dtype) if isinstance(v, torch.Tensor) else torch.full((), v, dtype=dtype, device=dev)


def _array(values, dtype, dev):
    return torch.tensor(values, dtype=dtype, device=dev)


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


def _gather(x, index, n, dim, err, where=None, written=None):
    """x (gathered along its last axis) at index; the other axes broadcast by position."""
    rest, index = torch.broadcast_tensors(x[..., 0], index)
    _check_index(err, index, n, dim, where, written)
    index = index.clamp(0, max(n - 1, 0)).long().unsqueeze(-1)
    return torch.gather(x.expand(*rest.shape, n), -1, index).squeeze(-1)


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
