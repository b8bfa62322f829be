# ---- the prelude: what every rlo module starts with (spec/python.md) ----------------------------
# This part is the same in every dialect; the dialect's part, after it, defines what it calls:
# the dtypes _F32, _F64, _I32, _I64, _BOOL and _device, _asarray, _cast, _integral, _finite,
# _checking, _failed, _first, _scalar, _array.

Result = collections.namedtuple("Result", "loss reports")
Result.__doc__ = "An objective's 0-d loss, which carries rlo's gradient into the host's autodiff, and its reports."
LossAndGrads = collections.namedtuple("LossAndGrads", "loss reports grads")
LossAndGrads.__doc__ = "An objective's loss, reports and gradients (by input name), all computed by rlo's rules."


def group_ids(uids, device=None):
    """Dense i32 group ids, 0, 1, ... in order of first appearance, for uids (strings or integers, as
    verl's `index`): the keys a grouped reduction (`by:`) takes; a torch module puts them on device."""
    seen = {}
    ids = [seen.setdefault(u, len(seen)) for u in (uids.tolist() if hasattr(uids, "tolist") else uids)]
    return _array(ids, _I32, device)


def _declared(dtype, dims):
    return dtype + ("[" + ",".join(dims) + "]" if dims else "")


def _bind(fn, spec, args, sized, check):
    """The inputs in their declared dtypes, knobs as 0-d arrays, and each dimension's size, checked
    against the sizes fn declares (sized: (dim, base or None, offset), for S = 2 or T1 = T + 1) or
    derived from them.

    Floats compute in F: f64 when an input declared f32 is given as float64, else f32. The list
    returned as err collects the checks that read values, which _done runs: None when check is off
    or the values are not at hand (_checking).
    """
    dev = _device(args)
    given = []
    for (name, dtype, dims), a in zip(spec, args):
        if a is None:
            raise TypeError(f"missing input `{name}`: expected {_declared(dtype, dims)}")
        given.append(a if dims is None else _asarray(name, a, dev))
    F = _F32
    for (_, dtype, dims), a in zip(spec, given):
        if dtype == "f32" and dims is not None and a.dtype == _F64:
            F = _F64
    sizes, first, err, out = {}, {}, [] if check and _checking(given) else None, []
    for (name, dtype, dims), a in zip(spec, given):
        if dims is None:
            out.append(_knob(fn, name, dtype, a, F, dev))
            continue
        if a.ndim != len(dims):
            raise ValueError(f"input `{name}` has shape {list(a.shape)}, but {fn} declares {_declared(dtype, dims)}: "
                             f"expected {len(dims)} axes ({', '.join(dims)}), in that order")
        for d, size in zip(dims, a.shape):
            if sizes.setdefault(d, size) != size:
                raise ValueError(f"dimension {d} is {sizes[d]} in `{first[d]}` but {size} in `{name}`")
            first.setdefault(d, name)
        out.append(_input(fn, name, dtype, dims, a, F, err))
    for d, base, offset in sized:
        _declared_size(fn, sizes, first, d, base, offset)
    return F, dev, sizes, err, out


def _declared_size(fn, sizes, first, d, base, offset):
    if base is not None and base not in sizes and d in sizes:
        sizes[base] = sizes[d] - offset
    want = offset if base is None else sizes[base] + offset if base in sizes else None
    if want is None or sizes.setdefault(d, want) == want:
        return
    rule = str(offset) if base is None else f"{base} {'-' if offset < 0 else '+'} {abs(offset)}"
    raise ValueError(f"dimension {d} is {sizes[d]} in `{first[d]}`, but {fn} declares {d} = {rule}"
                     + ("" if base is None else f" = {want} ({base} is {sizes[base]}" + (f" in `{first[base]}`" if base in first else "") + ")"))


def _input(fn, name, dtype, dims, a, F, err):
    """An input in its declared dtype: bool from any dtype (nonzero is true); i32 from integers (an
    int64 must fit); floats in F (f64 if declared so), which must be finite."""
    expected = _declared(dtype, dims)
    if dtype == "bool":
        return a if a.dtype == _BOOL else a != 0
    if dtype == "i32":
        if not _integral(a):
            raise TypeError(f"input `{name}` holds {a.dtype}, but {fn} declares {expected}: pass integers")
        if err is not None and a.dtype == _I64:
            err.append(((a < -2147483648) | (a > 2147483647), a, dims,
                        f"input `{name}` has the value {{value}}, which is not an i32, at {{at}}; expected {expected}", ValueError))
        return _cast(a, _I32)
    a = _cast(a, F if dtype == "f32" else _F64)
    if err is not None:
        err.append((~_finite(a), a, dims, f"input `{name}` has a non-finite value ({{value}}) at {{at}}; expected {expected}", ValueError))
    return a


def _knob(fn, name, dtype, v, F, dev):
    """A knob (a hyper-parameter set per call) as a 0-d array; an integer knob must hold an integer."""
    if getattr(v, "ndim", 0) != 0:
        raise ValueError(f"knob `{name}` of {fn} is a scalar, not an array of shape {list(v.shape)}")
    if dtype == "i32" and _checking([v]) and v != int(v):
        raise ValueError(f"knob `{name}` of {fn} is an integer (i32), not {v}")
    return _scalar(v, {"f32": F, "f64": _F64, "i32": _I32, "bool": _BOOL}[dtype], dev)


def _fixed(fn, name, value, compiled):
    """A hyper-parameter a compile-time attribute needs keeps the value it was emitted with."""
    if value != compiled:
        raise ValueError(f"{fn}: `{name}` is fixed at {compiled} in this module, since rlo needs it when compiling; "
                         f"emit the module again with rlo compile --set {name}={value}")


def _rename(sizes, source, target):
    if sizes.setdefault(target, sizes[source]) != sizes[source]:
        raise ValueError(f"dimension {target} is {sizes[target]} but the rename {source} -> {target} gives it size {sizes[source]}")


def _check_index(err, index, n, dim, where=None, written=None):
    """An index out of range along dim, said as rlo says it: where the source wrote the gather, and how."""
    if err is not None and _checking([index]):
        located = f"{where}: ".replace("{", "{{").replace("}", "}}") if where else ""
        how = f", in `{written}`".replace("{", "{{").replace("}", "}}") if written else ""
        err.append(((index < 0) | (index >= n), index, None,
                    f"{located}index {{value}} is out of range for dimension {dim} of size {n}{how}", IndexError))


def _done(err):
    """Raises the first check that failed, with rlo's wording."""
    if not err:
        return
    for failed, (bad, values, dims, message, kind) in zip(_failed([c[0] for c in err]), err):
        if failed:
            i = _first(bad)
            at = ", ".join(f"{d}={k}" for d, k in zip(dims or (), _unravel(i, bad.shape)))
            raise kind(message.format(value=_show(values.reshape(-1)[i].item()), at="[" + at + "]"))


def _show(v):
    return {math.inf: "Infinity", -math.inf: "-Infinity"}.get(v, "NaN" if v != v else str(v))


def _unravel(i, shape):
    out = []
    for n in reversed(shape):
        out.append(i % n)
        i //= n
    return out[::-1]
