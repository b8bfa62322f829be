"""Checks of rlo-emitted modules beyond parity, for PythonModulesTest.

    python3 checks.py torch|numpy|compile MODULES

MODULES is `rlo compile stdlib/ examples/ compiler/src/test/golden/python/ --emit DIALECT -o MODULES`'s
output. `torch`: gradients
(torch.autograd.gradcheck in f64 on ppo, qae, dpo, qr_dqn and c51; (3 loss + other).backward() is
3 times rlo's gradient plus the other term's; a bf16 input gets a bf16 gradient; an int mask is a
bool mask) and errors; `numpy`: errors; `compile`: torch.compile(fullgraph=True) of ppo matches
eager within 1e-6, or prints `skip: WHY` where torch has no torch.compile. Prints `ok: CHECK` per
check; any failure raises.
"""
import importlib.util
import math
import os
import re
import sys

import numpy as np

DIALECT, MODULES = sys.argv[1], sys.argv[2]
rng = np.random.default_rng(5)


def load(path):
    spec = importlib.util.spec_from_file_location(re.sub(r"\W", "_", path), os.path.join(MODULES, path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def inputs(module, name, sizes, dtype):
    """Seeded inputs for an emitted function, from its _NAME_inputs table: floats normal, bools fair,
    i32 in [0, 2) (every dimension here has size 3 or more, so indices are in range)."""
    out = {}
    for input_name, declared, dims in getattr(module, "_%s_inputs" % name):
        if dims is None:
            continue
        shape = tuple(sizes[d] for d in dims)
        if declared == "bool":
            out[input_name] = rng.integers(0, 2, shape).astype(bool)
        elif declared == "i32":
            out[input_name] = rng.integers(0, 2, shape)
        else:
            out[input_name] = rng.standard_normal(shape).astype(dtype)
    return out


def ok(check):
    print("ok: " + check, flush=True)


def expect_error(kind, message, f, *args, **kwargs):
    try:
        f(*args, **kwargs)
    except kind as e:
        if not (message.fullmatch(str(e)) if isinstance(message, re.Pattern) else str(e) == message):
            raise AssertionError("expected %s(%r), got %r" % (kind.__name__, message, str(e)))
        return
    raise AssertionError("expected %s(%r); nothing was raised" % (kind.__name__, message))


# ---- torch: gradients -------------------------------------------------------------------------------

GRADCHECKED = [("ppo.py", "ppo"), ("qae.py", "qae"), ("std/preference.py", "dpo"), ("qr_dqn.py", "qr_dqn"), ("std/value.py", "c51")]
SIZES = {"B": 4, "A": 3, "G": 3, "K": 4, "L": 3, "P": 5, "N": 5, "M": 5}


def torch_gradients():
    import torch
    for path, name in GRADCHECKED:
        module = load(path)
        f = getattr(module, name)
        given = {k: torch.from_numpy(v) for k, v in inputs(module, name, SIZES, np.float64).items()}
        grads = list(f.loss_and_grads(**given).grads)
        leaves = [given[k].clone().requires_grad_(True) for k in grads]

        def loss(*xs):
            return f(**dict(given, **dict(zip(grads, xs)))).loss

        assert torch.autograd.gradcheck(loss, leaves, eps=1e-6, atol=1e-6, rtol=1e-5), name
        ok("gradcheck f64 " + name)
        rlo = f.loss_and_grads(**given).grads
        x = leaves[0]
        (3 * loss(*leaves) + (x ** 2).sum()).backward()
        assert torch.allclose(x.grad, 3 * rlo[grads[0]] + 2 * x.detach(), rtol=1e-12, atol=1e-12), name
        ok("(3 loss + other).backward() " + name)


def torch_dtypes():
    import torch
    qae = load("qae.py").qae
    given = {k: torch.from_numpy(v) for k, v in inputs(load("qae.py"), "qae", SIZES, np.float32).items()}
    logp = given["logp"].to(torch.bfloat16).requires_grad_(True)
    out = qae(**dict(given, logp=logp))
    assert out.loss.dtype == torch.float32, out.loss.dtype
    out.loss.backward()
    assert logp.grad.dtype == torch.bfloat16, logp.grad.dtype
    want = qae.loss_and_grads(**dict(given, logp=logp.detach().float()))
    assert torch.allclose(out.loss, want.loss), (out.loss, want.loss)
    ok("bf16 input: f32 loss, bf16 gradient")
    as_int = qae(**dict(given, mask=given["mask"].to(torch.int64))).loss
    assert torch.equal(as_int, qae(**given).loss)
    ok("int mask is a bool mask")
    assert qae(**dict(given, logp=given["logp"].double())).loss.dtype == torch.float64
    ok("an f64 input makes the call f64")
    eps = qae(**given, eps=torch.tensor(0.1)).loss
    assert torch.equal(eps, qae(**given, eps=0.1).loss) and not torch.equal(eps, qae(**given).loss)
    ok("a knob as a float or a 0-d tensor")


# ---- errors, in rlo's words -------------------------------------------------------------------------

def errors(to_array):
    module = load("ppo.py")
    ppo = module.ppo
    given = {k: to_array(v) for k, v in inputs(module, "ppo", SIZES, np.float32).items()}
    expect_error(ValueError, "input `adv` has shape [4, 1], but ppo declares f32[B]: expected 1 axes (B), in that order",
                 ppo, **dict(given, adv=to_array(np.zeros((4, 1), np.float32))))
    ok("wrong rank: ValueError")
    expect_error(ValueError, "dimension B is 4 in `logits` but 5 in `old_logp`",
                 ppo, **dict(given, old_logp=to_array(np.zeros(5, np.float32))))
    ok("a dimension of two sizes: ValueError naming both inputs")
    expect_error(TypeError, "missing input `ret`: expected f32[B]", ppo, **dict(given, ret=None))
    try:
        ppo(**dict(given, rets=given["ret"]))
        raise AssertionError("an unknown input was accepted")
    except TypeError as e:
        assert "rets" in str(e), e
    ok("missing or unknown input: TypeError")
    bad = np.array([0, 1, 7, 2])
    located = re.compile(r"\S*ppo\.rlo:25:18: index 7 is out of range for dimension A of size 3, in `logp_all\[A = action\]`")
    expect_error(IndexError, located, ppo, **dict(given, action=to_array(bad)))
    ppo(**dict(given, action=to_array(bad)), check=False)
    ok("a gather index out of range: IndexError (none with check=False)")
    nan = np.array([0.5, math.nan, 1, 2], np.float32)
    expect_error(ValueError, "input `adv` has a non-finite value (NaN) at [B=1]; expected f32[B]", ppo, **dict(given, adv=to_array(nan)))
    ok("a non-finite input: ValueError")
    expect_error(TypeError, "input `action` holds %s, but ppo declares i32[B]: pass integers" % to_array(np.zeros(4, np.float32)).dtype,
                 ppo, **dict(given, action=to_array(np.zeros(4, np.float32))))
    ok("floats for an i32 input: TypeError")
    layouts = load("Layouts.py").layouts
    sized = {"x": np.ones((3, 4), np.float32), "y": np.ones((4, 3), np.float32), "m": np.ones(4, bool),
             "pair": np.ones((3, 2), np.float32), "boot": np.ones(5, np.float32)}
    layouts(**{k: to_array(v) for k, v in sized.items()})
    expect_error(ValueError, "dimension S is 3 in `pair`, but layouts declares S = 2",
                 layouts, **{k: to_array(v) for k, v in dict(sized, pair=np.ones((3, 3), np.float32)).items()})
    expect_error(ValueError, "dimension B1 is 6 in `boot`, but layouts declares B1 = B + 1 = 5 (B is 4 in `x`)",
                 layouts, **{k: to_array(v) for k, v in dict(sized, boot=np.ones(6, np.float32)).items()})
    ok("declared sizes (S = 2, B1 = B + 1): ValueError naming the input")
    group_norm = load("std/advantage.py").group_norm
    expect_error(ValueError, "group_norm: `ddof` is fixed at 1 in this module, since rlo needs it when compiling; "
                 "emit the module again with rlo compile --set ddof=0", group_norm, to_array(np.ones(3, np.float32)), ddof=0)
    ok("a fixed knob set to another value: ValueError")


def torch_compile():
    import torch
    if not hasattr(torch, "compile"):
        print("skip: torch %s has no torch.compile (it came in torch 2.0)" % torch.__version__)
        return
    module = load("ppo.py")
    given = {k: torch.from_numpy(v) for k, v in inputs(module, "ppo", SIZES, np.float32).items()}
    eager = module.ppo(**given).loss
    compiled = torch.compile(lambda **kw: module.ppo(**kw).loss, fullgraph=True)(**given)
    assert torch.allclose(eager, compiled, rtol=1e-6, atol=1e-6), (eager, compiled)
    ok("torch.compile(fullgraph=True) of ppo matches eager")


if DIALECT == "torch":
    import torch
    torch_gradients()
    torch_dtypes()
    errors(torch.from_numpy)
elif DIALECT == "numpy":
    errors(lambda a: a)
else:
    torch_compile()
