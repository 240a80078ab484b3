"""``traced(step)``: run a function of Tensors once, record what it computes, forward and
backward, and replay it afterwards as a flat program of NumPy calls.

The first call for an input signature (the shapes, dtypes and ``requires_grad`` of the
Tensor and array arguments, and the other arguments' values) runs ``step`` eagerly while
every node it makes is recorded (a hook in ``tensor._result``), and so is every
``backward()`` it calls. A second call records again and must record the same program:
anything the recording cannot see (numbers read from ``.data``, a comparison's mask, a
random draw, a variable of the enclosing scope) that changed between the two calls is an
error rather than a silently frozen value. The program is then checked against the eager
run it came from, bit for bit, and from the third call on it is replayed. The program
(steps over slots: each operation's forward on arrays, in the recorded order; backward,
the engine's own vector-Jacobian rules in the engine's order, with the accumulation order
and un-broadcast decisions fixed in advance) is written out as one Python function of
straight-line code (``_Source``; a program's ``source``), so every number is the one
eager execution gives, with no node objects, no topological sort and no interpreter loop.

``on_data(fn, *args)`` is the way for NumPy code that derives masks or indices from
Tensors' values (class indices of a loss, max pooling's picks, dropout's random mask): a
replay calls ``fn`` again on the new values.
"""

from __future__ import annotations

import functools
import importlib
import linecache
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

import numpy as np

from . import engine
from .context import _STATE
from .inplace import CLOCK
from .registry import REGISTRY, Operation
from .shape import _put_data, _scatter_add
from .tensor import Tensor, _constant, _push_grad, _unbroadcast
from .torch_names import from_numpy

__all__ = ["traced", "Traced", "on_data", "TraceError"]

# The module itself (the package's attribute ``tensor`` is the creation function).
_tensor: Any = importlib.import_module(".tensor", __package__)

# How many input signatures a traced function keeps programs for (least recently used
# go first): a program holds its constants and static indices, not the graph.
MAX_SIGNATURES = 8


class TraceError(RuntimeError):
    """What a traced function cannot record or replay, and what to write instead."""


class _Retrace(Exception):
    """Raised inside a replay when the program no longer fits the call (a guard fails)."""


class _Ref(NamedTuple):
    """A place in a step's static context that holds a slot's array at replay."""

    slot: int


# ------------------------------------------------------------------ structures
# Arguments and results are nested tuples, lists, dicts and NamedTuples of Tensors, arrays
# and other values; a spec keeps everything but the Tensors and arrays, which are leaves.
_LEAF = ("leaf",)


def _flatten(obj: Any, leaves: list[Any]) -> Any:
    """The spec of ``obj``; its Tensors and arrays are appended to ``leaves``."""
    if isinstance(obj, (Tensor, np.ndarray)):
        leaves.append(obj)
        return _LEAF
    kind = type(obj)
    if kind in (tuple, list) or (isinstance(obj, tuple) and hasattr(obj, "_fields")):
        return (kind, tuple(_flatten(x, leaves) for x in obj))
    if kind is dict:
        return (dict, tuple(obj), tuple(_flatten(x, leaves) for x in obj.values()))
    return ("value", kind, obj)


def _unflatten(spec: Any, leaves: Iterator[Any]) -> Any:
    """``obj`` back from its spec, with the next items of ``leaves`` as its leaves."""
    if spec is _LEAF:
        return next(leaves)
    if spec[0] == "value":
        return spec[2]
    if spec[0] is dict:
        return dict(zip(spec[1], (_unflatten(s, leaves) for s in spec[2])))
    items = [_unflatten(s, leaves) for s in spec[1]]
    kind = spec[0]
    return kind(items) if kind in (tuple, list) else kind(*items)


def _same(a: Any, b: Any) -> bool:
    """Equal structure and values; arrays equal bit for bit, with the same dtype."""
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if a is b:
        return True
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


# ------------------------------------------------------------------ how each op replays
class _Replay(NamedTuple):
    """How one kind of node is computed again: ``static(ctx, out, inputs)`` is what the
    replay needs from the recorded node (at trace time), and ``run(arrays, static)`` gives
    ``(data, ctx)`` at replay, ctx being what the node's vector-Jacobian rules read. Or,
    for a function of the inputs alone, ``direct(*arrays)`` is the data and the static
    part the ctx (with ``keywords``, a registry operation's, ``direct(*arrays, **ctx)``)."""

    static: Callable[[Any, np.ndarray, list[np.ndarray]], Any]
    run: Callable[[list[np.ndarray], Any], tuple[Any, Any]] | None = None
    direct: Callable[..., Any] | None = None
    keywords: bool = False


def _ctx(ctx: Any, out: np.ndarray, inputs: list[np.ndarray]) -> Any:
    return ctx


def _nothing(ctx: Any, out: np.ndarray, inputs: list[np.ndarray]) -> Any:
    return None  # the replay computes the whole ctx again


def _with_shape(ctx: Any, out: np.ndarray, inputs: list[np.ndarray]) -> Any:
    return (ctx, out.shape)


def _numpy(fn: Callable[..., Any]) -> _Replay:
    """An operation whose data is ``fn`` of its inputs and whose ctx is static."""
    return _Replay(_ctx, direct=fn)


def _reduced_axes(ctx: Any, out: np.ndarray, inputs: list[np.ndarray]) -> Any:
    """The axes a reduction summed over (every axis of size 1 in its kept shape; reducing
    an axis of length 1 changes no number), None for all of them, and its output shape."""
    kept, shape = ctx[0], ctx[1]
    axes = tuple(i for i, n in enumerate(kept) if n == 1)
    return ctx, (None if len(axes) == len(shape) else axes), out.shape


def _reduced(method: str) -> _Replay:
    def run(a: list[np.ndarray], s: Any) -> tuple[Any, Any]:
        ctx, axes, shape = s
        if method == "mean" and axes is None:
            axes = tuple(range(a[0].ndim))  # Tensor.mean always passes the axes
        return getattr(a[0], method)(axis=axes, keepdims=True).reshape(shape), ctx

    return _Replay(_reduced_axes, run)


def _through(call: Callable[..., Tensor]) -> Callable[[list[np.ndarray], Any], tuple[Any, Any]]:
    """A replay by the eager operation itself on constants: for the operations whose ctx
    holds values computed from the data (masks, shares of ties, shifts), which the replay
    must compute again exactly as eager execution does."""

    def run(a: list[np.ndarray], s: Any) -> tuple[Any, Any]:
        out = call(*[_constant(x) for x in a], s)
        return out.data, out._ctx

    return run


def _extreme(name: str) -> _Replay:
    def call(x: Tensor, s: Any) -> Tensor:
        axes, shape = s
        return _reshaped(getattr(x, name)(axis=axes, keepdims=True), shape)

    return _Replay(lambda c, out, a: _reduced_axes(c, out, a)[1:], _through(call))


def _reshaped(out: Tensor, shape: tuple[int, ...]) -> Tensor:
    """``out`` with its data in ``shape`` and its ctx kept (a keepdims result, reshaped)."""
    out.data = out.data.reshape(shape)
    return out


def _logsumexp(x: Tensor, s: Any) -> Tensor:
    axes, shape = s
    return _reshaped(x.logsumexp(axis=axes, keepdims=True), shape)


def _linear(a: list[np.ndarray], c: Any) -> tuple[Any, Any]:
    data = a[0] @ a[1].T
    return (data if len(a) == 2 else data + a[2]), c


def _squared(ctx: Any, out: np.ndarray, inputs: list[np.ndarray]) -> Any:
    """Whether eager execution squared (``t ** 2`` with the number 2 computes x * x, not
    pow(x, 2), which may round differently): the node's ctx says so (2). An exponent Tensor
    that happens to equal 2 was raised with pow, and stays so when it changes."""
    return ctx, ctx == 2 and inputs[0].dtype.kind == "f"


def _pow(a: list[np.ndarray], s: Any) -> tuple[Any, Any]:
    ctx, square = s
    return (np.square(a[0]) if square else np.power(a[0], a[1])), ctx


def _transpose(ctx: Any, out: np.ndarray, inputs: list[np.ndarray]) -> Any:
    return ctx, tuple(int(i) for i in np.argsort(ctx))  # ctx is the inverse permutation


def _axis_of(ctx: Any, out: np.ndarray, inputs: list[np.ndarray]) -> Any:
    return ctx, len(ctx[0]) - 1  # each part's index is (slice(None),) * axis + (its place,)


def _clip_bounds(ctx: Any, out: np.ndarray, inputs: list[np.ndarray]) -> Any:
    """clip's (low, high), from its ctx (mask, low, high)."""
    if not (isinstance(ctx, tuple) and len(ctx) == 3):
        raise TraceError("traced: this clip node does not record its bounds, so it cannot replay")
    return ctx[1:]


# Keyed by the node's op name. Registry operations replay by their own forward (below),
# except the arithmetic ones (_ARITHMETIC), replayed from here whether they are registry
# operations or tensor.py's.
_REPLAYS: dict[str, _Replay] = {
    "add": _numpy(np.add),
    "sub": _numpy(np.subtract),
    "mul": _numpy(np.multiply),
    "div": _numpy(np.divide),
    "neg": _numpy(np.negative),
    "pow": _Replay(_squared, _pow),
    "matmul": _numpy(np.matmul),
    "linear": _Replay(_ctx, _linear),
    "where": _Replay(_ctx, lambda a, c: (np.where(c, a[0], a[1]), c)),
    "maximum": _Replay(_nothing, _through(lambda x, y, s: _tensor.maximum(x, y))),
    "minimum": _Replay(_nothing, _through(lambda x, y, s: _tensor.minimum(x, y))),
    "identity": _Replay(_ctx, lambda a, c: (a[0].copy(), c)),
    "astype": _Replay(lambda c, out, a: out.dtype, lambda a, s: (a[0].astype(s), None)),
    "reshape": _Replay(_with_shape, lambda a, s: (a[0].reshape(s[1]), s[0])),
    "broadcast_to": _Replay(_with_shape, lambda a, s: (np.broadcast_to(a[0], s[1]), s[0])),
    "transpose": _Replay(_transpose, lambda a, s: (a[0].transpose(s[1]), s[0])),
    "getitem": _Replay(_ctx, lambda a, c: (a[0][c[0]], c)),
    "scatter_add": _Replay(_ctx, lambda a, c: (_scatter_add(a[0], c[0], c[1]), c)),
    "put": _Replay(_with_shape, lambda a, s: (_put_data(a[0], s[0], s[1]), s[0])),
    "concatenate": _Replay(_axis_of, lambda a, s: (np.concatenate(a, axis=s[1]), s[0])),
    "stack": _Replay(_axis_of, lambda a, s: (np.stack(a, axis=s[1]), s[0])),
    "sum": _reduced("sum"),
    "mean": _reduced("mean"),
    "max": _extreme("max"),
    "min": _extreme("min"),
    "logsumexp": _Replay(lambda c, out, a: (c[2], out.shape), _through(_logsumexp)),
    "softmax": _Replay(_ctx, _through(lambda x, s: x.softmax(axis=s))),
    "log_softmax": _Replay(_ctx, _through(lambda x, s: x.log_softmax(axis=s))),
    "cumsum": _Replay(_ctx, lambda a, c: (np.cumsum(a[0], axis=c), c)),
    "cumprod": _Replay(_ctx, lambda a, c: (np.cumprod(a[0], axis=c), c)),
    "prod": _Replay(_ctx, lambda a, c: (np.prod(a[0], axis=c[0], keepdims=c[1]), c)),
    "einsum": _Replay(_ctx, lambda a, c: (np.einsum(c, *a), c)),
    "clip": _Replay(_clip_bounds, _through(lambda x, s: x.clip(*s))),
}

_BY_OPERATION: dict[Operation, _Replay] = {}


def _registered(operation: Operation) -> _Replay:
    """A registry operation replays by its forward on arrays with its parameters (ctx)."""
    found = _BY_OPERATION.get(operation)
    if found is None:
        found = _BY_OPERATION[operation] = _Replay(_ctx, direct=operation.array, keywords=True)
    return found


# Replayed by name, registry operations or not: they replay as the operators compute.
_ARITHMETIC = ("add", "sub", "mul", "div", "pow", "neg")


def _replay_of(op: Any) -> _Replay:
    operation = REGISTRY.get(op.name)
    if operation is not None and operation._tensor_op is op and op.name not in _ARITHMETIC:
        return _registered(operation)
    found = _REPLAYS.get(op.name)
    if found is None:
        raise TraceError(
            f"traced: operation {op.name!r} has no replay, so a function using it cannot be "
            "traced; leave the function untraced, or declare the operation with "
            "autograd_core.differentiable (registry operations replay by their forward)"
        )
    return found


# ------------------------------------------------------------------ recording
_ENGINE_BACKWARD = engine.backward
_ENGINE_GRADIENTS = engine.gradients
_LOCK = threading.Lock()  # one recording at a time (the hook in tensor.py is one global)


class _Recorder:
    """Collects what one thread does while its function is traced: nodes, ``on_data``
    calls and backward passes, in order."""

    def __init__(self) -> None:
        self.thread = threading.get_ident()
        self.paused = 0
        self.events: list[tuple[Any, ...]] = []
        self.clock = CLOCK[0]

    def mine(self) -> bool:
        return not self.paused and threading.get_ident() == self.thread

    # the hooks of tensor.py --------------------------------------------------------
    def record(self, out: Tensor, parents: tuple[Tensor, ...], op: Any, ctx: Any) -> None:
        if self.mine():
            self.events.append(("node", out, parents, op, ctx))

    def refuse(self, t: Tensor, what: str) -> None:
        if self.mine():
            raise TraceError(
                f"traced: {what} of a Tensor (shape {t.shape}) inside a traced function: a "
                "replay repeats the recorded operations, not Python decisions or numbers "
                "taken from the values (data-dependent control flow, as jax.jit refuses "
                "it too); choose per element with where(cond, a, b), compute masks with "
                "autograd_core.on_data, or return the Tensor and convert it outside"
            )

    # what tracing reroutes ------------------------------------------------------------
    def backward(self, root: Any, grad: Any) -> None:
        if not isinstance(root, Tensor):
            raise TraceError("traced: a traced function records Tensors; Value.backward() is not")
        order = engine.topological_order(root)
        leaves = [n for n in order if not n._parents and n.requires_grad]
        before = [n.grad for n in leaves]
        self.paused += 1
        try:
            _ENGINE_BACKWARD(root, grad, False)
        finally:
            self.paused -= 1
        after = [n.grad for n in leaves]
        self.events.append(("backward", root, grad, order, leaves, before, after))

    def data(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: Any) -> Any:
        arrays = [a.data if isinstance(a, Tensor) else a for a in args]
        self.paused += 1
        try:
            result = fn(*arrays, **kwargs)
        finally:
            self.paused -= 1
        self.events.append(("data", fn, args, kwargs, result))
        return result

    def restore_grads(self) -> None:
        """Put back every leaf's gradient as it was before the traced call's backward."""
        for event in reversed([e for e in self.events if e[0] == "backward"]):
            for leaf, old in zip(event[4], event[5]):
                leaf.grad = old


def _backward(root: Any, grad: Any = None, create_graph: bool = False) -> None:
    recorder = _tensor.TRACE
    if recorder is None or not recorder.mine():
        return _ENGINE_BACKWARD(root, grad, create_graph)
    if create_graph:
        raise TraceError(
            "traced: backward(create_graph=True) inside a traced function cannot be "
            "replayed (its gradients are graphs); leave this function untraced"
        )
    return recorder.backward(root, grad)  # type: ignore[no-any-return]


def _gradients(root: Any, inputs: Any, grad: Any = None, create_graph: bool = False) -> Any:
    recorder = _tensor.TRACE
    if recorder is not None and recorder.mine():
        raise TraceError(
            "traced: autograd.grad / grad() inside a traced function cannot be replayed; "
            "call loss.backward() and read the parameters' .grad"
        )
    return _ENGINE_GRADIENTS(root, inputs, grad, create_graph)


@contextmanager
def _recording() -> Iterator[_Recorder]:
    """Record what this thread computes; the engine's backward and gradients are routed
    through the recorder meanwhile (other threads pass straight through)."""
    with _LOCK:
        recorder = _Recorder()
        _tensor.TRACE = recorder
        engine.backward, engine.gradients = _backward, _gradients  # type: ignore[assignment]
        try:
            yield recorder
        finally:
            _tensor.TRACE = None
            engine.backward, engine.gradients = _ENGINE_BACKWARD, _ENGINE_GRADIENTS


def on_data(fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)`` with each Tensor among ``args`` replaced by its array: for
    NumPy code that computes masks or indices from Tensors' values (not differentiated).

    Inside a traced function the call is recorded and every replay calls ``fn`` again on
    the new values; ``fn`` returns arrays (they may be used as operands, masks or
    indices) and plain values, which a replay checks: a different one traces again.
    Keyword arguments and non-array arguments are fixed at trace time."""
    recorder = _tensor.TRACE
    if recorder is not None and recorder.mine():
        return recorder.data(fn, args, kwargs)
    return fn(*[a.data if isinstance(a, Tensor) else a for a in args], **kwargs)


# ------------------------------------------------------------------ the program
class _Push(NamedTuple):
    """One parent's share of a node's gradient, through ``vjp``, into gradient ``target``
    (an index into the pass's gradients)."""

    vjp: Any
    target: int
    shape: tuple[int, ...]  # the target's data
    dtype: Any
    leaf: bool  # the target is a leaf: its .grad never aliases another array
    # What _push_grad decides for this share, learnt from the check run.
    unbroadcast: bool = False
    cast: bool = False
    wrap: bool = False


class _Visit(NamedTuple):
    """One node of a backward pass: its gradient's index, the slots of its data (and
    ctx) and of its parents' data, and its pushes in parent order."""

    grad: int
    out: int
    args: tuple[int, ...]
    pushes: tuple[_Push, ...]
    keys: tuple[tuple[str, int], ...]  # (op name, parent position): what recordings compare
    direct: bool = False  # the vjps are rules called as vjp(g, out, *inputs) (_Op.direct)


class _Pass(NamedTuple):
    """One backward pass, in the engine's order of nodes."""

    leaves: tuple[tuple[int, int, Tensor | None], ...]  # (index, input position, or Tensor)
    size: int  # how many gradients it holds
    root: int
    seed: Any  # an array, or a _Ref to a slot whose array is copied in the root's dtype
    dtype: Any
    visits: tuple[_Visit, ...]


class _Program:
    """A recorded call as steps over slots, and the replay compiled from them (see the
    module's docstring). Steps: ``("node", run, inputs, static, out, name)``,
    ``("data", fn, args, kwargs, extract, outs, spec, kinds)`` and ``("backward", pass)``."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.slots = 0
        self.inputs: list[bool] = []  # per argument: whether it is a Tensor (else an array)
        self.constants: dict[int, np.ndarray] = {}
        self.leaves: list[tuple[int, Tensor, tuple[int, ...], Any, bool]] = []
        self.steps: list[tuple[Any, ...]] = []
        self.out_spec: Any = None
        self.outputs: list[tuple[str, int, int, Tensor | None]] = []
        self.source = ""  # the replay's Python code (what tracebacks show)
        self._replay: Callable[[list[Any]], Any] | None = None
        # For the check against eager execution only (dropped after it).
        self.recorded: dict[int, Any] = {}  # slot -> eager data
        self.recorded_data: dict[int, Any] = {}  # step -> what on_data's fn returned
        self.passes: list[tuple[list[Any], list[Any]]] = []  # leaf grads before, after

    def run(self, args: list[Any]) -> Any:
        """Replay on the argument leaves ``args`` (Tensors or arrays), adding into the
        leaves' ``.grad`` as eager execution does; returns the results (constants)."""
        if self._replay is None:
            self._replay = _Source(self, check=False).compile()
        if not self._guard_after_backward():
            return self._replay(args)
        # An on_data value checked after a backward pass: if it fails, the call records
        # again from the start, so the gradients that pass added are taken back first.
        saved = [(t, t.grad) for t in self._leaf_tensors(args)]
        try:
            return self._replay(args)
        except _Retrace:
            for t, grad in saved:
                t.grad = grad
            raise

    def _guard_after_backward(self) -> bool:
        kinds = [step[0] for step in self.steps]
        return "backward" in kinds and "data" in kinds[kinds.index("backward") :]

    def _leaf_tensors(self, args: list[Any]) -> list[Tensor]:
        return [
            args[position] if t is None else t
            for step in self.steps
            if step[0] == "backward"
            for _, position, t in step[1].leaves
        ]

    def check(self, args: list[Any]) -> None:
        """Replay the recorded call on its own arguments, comparing every step with the
        eager run (an internal error if one differs) and learning each backward push's
        decisions (un-broadcast, cast, wrap), which the compiled replay then takes."""
        learnt: dict[tuple[int, int, int], tuple[bool, bool, bool]] = {}
        _Source(self, check=True, learnt=learnt).compile()(args)
        backward = [n for n, step in enumerate(self.steps) if step[0] == "backward"]
        for number, n in enumerate(backward):
            p = self.steps[n][1]
            visits = []
            for k, visit in enumerate(p.visits):
                pushes = []
                for j, push in enumerate(visit.pushes):
                    unbroadcast, cast, wrap = learnt[number, k, j]
                    pushes.append(push._replace(unbroadcast=unbroadcast, cast=cast, wrap=wrap))
                visits.append(visit._replace(pushes=tuple(pushes)))
            self.steps[n] = ("backward", p._replace(visits=tuple(visits)))
        self.recorded, self.recorded_data, self.passes = {}, {}, []

    def mismatch(self, what: str) -> TraceError:
        return TraceError(
            f"traced({self.name}): internal error: the replay of {what} differs from eager "
            "execution; please report it"
        )

    # ------------------------------------------------------------------ comparison
    def differs(self, other: _Program) -> str | None:
        """What differs between two recordings of one signature (None: nothing); "guard"
        when what an ``on_data`` function returned differs (what follows may then differ)."""
        operations = "the recorded operations"
        for mine, theirs in zip(self.steps, other.steps):
            if mine[0] != theirs[0]:
                return operations
            if mine[0] == "node":
                if mine[1] is not theirs[1] or mine[2] != theirs[2] or mine[4] != theirs[4]:
                    return operations
                if not _same(mine[3], theirs[3]):
                    return f"the recorded indices, mask or parameters of {mine[5]!r}"
            elif mine[0] == "data":
                if not _same_function(mine[1], theirs[1]) or not _same(mine[2:4], theirs[2:4]):
                    return f"the arguments of on_data({getattr(mine[1], '__name__', mine[1])})"
                if not _same(mine[5:], theirs[5:]):
                    return "guard"
            elif not _same(_pass_key(mine[1]), _pass_key(theirs[1])):
                return "the recorded backward pass"
        if (self.slots, len(self.steps), self.constants.keys()) != (
            other.slots,
            len(other.steps),
            other.constants.keys(),
        ):
            return operations
        if len(self.leaves) != len(other.leaves):
            return operations
        for (slot, t, *kind), (their_slot, u, *their_kind) in zip(self.leaves, other.leaves):
            if (slot, kind) != (their_slot, their_kind):
                return operations
            # A Tensor made inside the function (Tensor(...)) is a new one on every call:
            # the same constant if its numbers are.
            if t is not u and (t.requires_grad or not _same(t.data, u.data)):
                return f"a Tensor the function uses but did not compute (shape {t.shape})"
        for slot, value in self.constants.items():
            if not _same(value, other.constants[slot]):
                return _constant_of(self, slot)
        mine_out = (self.out_spec, [o[:3] + (id(o[3]),) for o in self.outputs])
        if not _same(mine_out, (other.out_spec, [o[:3] + (id(o[3]),) for o in other.outputs])):
            return "the returned values"
        return None


def _same_function(f: Any, g: Any) -> bool:
    """One function, or one written in the traced function (a lambda made on each call):
    the same code, defaults and captured values."""
    if f is g:
        return True
    code = getattr(f, "__code__", None)
    if code is None or code is not getattr(g, "__code__", None):
        return False
    cells = [c.cell_contents for c in f.__closure__ or ()]
    their_cells = [c.cell_contents for c in g.__closure__ or ()]
    return _same((f.__defaults__, cells), (g.__defaults__, their_cells))


def _pass_key(p: _Pass) -> Any:
    leaves = [(index, position, id(t)) for index, position, t in p.leaves]
    visits = [
        (q.grad, q.out, q.args, q.keys, q.direct, [push[1:5] for push in q.pushes])
        for q in p.visits
    ]
    return (leaves, p.size, p.root, p.seed, p.dtype, visits)


def _constant_of(program: _Program, slot: int) -> str:
    for step in program.steps:
        if step[0] == "node" and slot in step[2]:
            return f"a constant operand of {step[5]!r}"
    return "a returned constant"


class _Source:
    """Writes a program's replay as one Python function of straight-line code: a local
    per slot (``v3``), per ctx (``c3``) and per gradient (``g2``); everything else (the
    operations' replays, vector-Jacobian rules, static indices, constants, leaves) bound
    by name. With ``check`` the function compares each step with the recorded eager run
    instead, starting each backward pass from the leaves' gradients before it."""

    def __init__(
        self,
        program: _Program,
        check: bool,
        learnt: dict[tuple[int, int, int], tuple[bool, bool, bool]] | None = None,
    ) -> None:
        self.program = program
        self.check = check
        self.learnt = learnt
        self.lines = ["def replay(args):"]
        self.env: dict[str, Any] = {
            "ndarray": np.ndarray,
            "generic": np.generic,
            "asarray": np.asarray,
            "array": np.array,
            "RETRACE": _Retrace,
            "_unbroadcast": _unbroadcast,
            "_constant": _constant,
            "_unflatten": _unflatten,
        }
        self.count = 0

    def name(self, value: Any, prefix: str = "K") -> str:
        """A name bound to ``value`` in the replay's globals."""
        self.count += 1
        key = f"{prefix}{self.count}"
        self.env[key] = value
        return key

    def slot(self, slot: int) -> str:
        found = self.program.constants.get(slot)
        return f"v{slot}" if found is None else self.name(found, "C")

    def expr(self, template: Any) -> str:
        """Code building ``template`` with its _Refs read from the slots."""
        kind = type(template)
        if kind is _Ref:
            return self.slot(template.slot)
        if template is None:
            return "None"
        if not _has_ref(template):
            return self.name(template)
        if kind is dict:
            items = [f"{self.name(k)}: {self.expr(x)}" for k, x in template.items()]
            return "{" + ", ".join(items) + "}"
        parts = "".join(f"{self.expr(x)}, " for x in template)
        return f"({parts})" if kind is tuple else f"[{parts}]"

    def emit(self, *lines: str) -> None:
        self.lines += [f"    {line}" for line in lines]

    def compile(self) -> Callable[[list[Any]], Any]:
        program = self.program
        for k, is_tensor in enumerate(program.inputs):
            self.emit(f"v{k} = args[{k}]{'.data' if is_tensor else ''}")
        for slot, t, shape, dtype, requires_grad in program.leaves:
            leaf = self.name(t, "L")
            kind = f"{self.name(shape)} or v{slot}.dtype != {self.name(dtype)}"
            grad = f"{leaf}.requires_grad is not {requires_grad}"
            self.emit(
                f"v{slot} = {leaf}.data",
                f"if v{slot}.shape != {kind} or {grad}:",
                "    raise RETRACE",
            )
        passes = 0
        for n, step in enumerate(program.steps):
            if step[0] == "node":
                self.node(*step[1:])
            elif step[0] == "data":
                self.data(n, *step[1:6])
            else:
                self.backward(passes, step[1])
                passes += 1
        if self.check:
            self.emit("return None")
        else:
            outputs = [self.output(*o) for o in program.outputs]
            if program.out_spec is _LEAF:
                self.emit(f"return {outputs[0]}")
            else:
                spec = self.name(program.out_spec)
                self.emit(f"return _unflatten({spec}, iter([{', '.join(outputs)}]))")
        source = "\n".join(self.lines) + "\n"
        filename = f"<traced {program.name}{' check' if self.check else ''} {id(self)}>"
        exec(compile(source, filename, "exec"), self.env)
        if not self.check:
            program.source = source
            # Tracebacks show the replay's lines, for as long as the program lives.
            linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
            weakref.finalize(program, linecache.cache.pop, filename, None)
        return self.env["replay"]  # type: ignore[no-any-return]

    def node(self, replay: _Replay, ins: tuple[int, ...], static: Any, out: int, name: str) -> None:
        inputs = ", ".join(self.slot(i) for i in ins)
        if replay.direct is None:
            run = self.name(replay.run, "R")
            self.emit(f"v{out}, c{out} = {run}([{inputs}], {self.expr(static)})")
        else:
            direct = self.name(replay.direct, "F")
            self.emit(f"c{out} = {self.expr(static)}")
            keywords = f", **c{out}" if replay.keywords and static is not None else ""
            self.emit(f"v{out} = {direct}({inputs}{keywords})")
        self.emit(
            f"if type(v{out}) is not ndarray:",
            f"    v{out} = asarray(v{out})  # NumPy gives 0-d results as scalars",
        )
        if self.check:
            verify = self.name(_verifier(self.program, out, name), "CHECK")
            self.emit(f"{verify}(v{out})")

    def data(self, n: int, fn: Any, args: Any, kwargs: Any, extract: Any, outs: Any) -> None:
        if self.check:
            call = self.name(self.program.recorded_data[n], "RESULT")
        else:
            call = f"{self.name(fn, 'F')}(*{self.expr(args)}, **{self.name(kwargs)})"
        extracted = f"{self.name(extract, 'EXTRACT')}({call})"  # checks the plain values too
        targets = "".join(f"v{slot}, " for slot in outs)
        self.emit(f"{targets} = {extracted}" if outs else extracted)

    def backward(self, number: int, p: _Pass) -> None:
        """One pass: each gradient a local ``g<index>``; the leaves' read at its start and
        written at its end; an interior node's first share stored, the next ones added."""
        leaves = []
        for index, position, t in p.leaves:
            leaf = f"args[{position}]" if t is None else self.name(t, "T")
            leaves.append((index, leaf))
            if self.check:
                before = self.program.passes[number][0][len(leaves) - 1]
                self.emit(f"g{index} = {self.name(before)}")
            else:
                self.emit(f"{leaf}._check_leaf_grad()", f"g{index} = {leaf}.grad")
        seed = p.seed
        if type(seed) is _Ref:
            self.emit(f"g{p.root} = array({self.slot(seed.slot)}, dtype={self.name(p.dtype)})")
        else:
            self.emit(f"g{p.root} = {self.name(seed)}")
        holding = {p.root} | {index for index, _ in leaves}
        for k, visit in enumerate(p.visits):
            if not visit.direct:
                self.emit(f"x = ({''.join(f'{self.slot(i)}, ' for i in visit.args)})")
            for j, push in enumerate(visit.pushes):
                self.push(push, visit, (number, k, j), push.target in holding)
                holding.add(push.target)
        if self.check:
            verify = self.name(_grads_verifier(self.program, number), "CHECK")
            self.emit(f"{verify}([{', '.join(f'g{index}' for index, _ in leaves)}])")
        else:
            self.emit(*(f"{leaf}.grad = g{index}" for index, leaf in leaves))

    def push(self, push: _Push, visit: _Visit, key: tuple[int, int, int], held: bool) -> None:
        """As _push_grad: the share, summed to the target's shape and cast to its dtype,
        stored (a leaf's copied if it is an alias) or added."""
        g, target = f"g{visit.grad}", f"g{push.target}"
        if visit.direct:
            inputs = ", ".join(self.slot(i) for i in visit.args)
            self.emit(f"s = {self.name(push.vjp, 'V')}({g}, {self.slot(visit.out)}, {inputs})")
        else:
            self.emit(
                f"s = {self.name(push.vjp, 'V')}({g}, {self.slot(visit.out)}, x, c{visit.out})"
            )
        if self.check:
            self.emit(f"s = {self.name(_learner(self.learnt, key, push), 'LEARN')}(s)")
        else:
            if push.unbroadcast:
                self.emit(f"s = _unbroadcast(s, {self.name(push.shape)})")
            if push.cast:
                self.emit(f"s = s.astype({self.name(push.dtype)})")
            if push.wrap:
                self.emit("s = asarray(s)")
        add = [
            f"{target} = {target} + s",
            f"if isinstance({target}, generic):",
            f"    {target} = asarray({target})",
        ]
        if push.leaf:  # a leaf's .grad may be None or an array: decided at replay
            self.emit(f"if {target} is None:")
            self.emit(f"    if s is {g} or s.base is not None:")
            self.emit("        s = s.copy()  # a leaf's .grad is the user's: never an alias")
            self.emit(f"    {target} = s", "else:", *(f"    {line}" for line in add))
        elif held:
            self.emit(*add)
        else:
            self.emit(f"{target} = s")

    def output(self, kind: str, slot: int, position: int, t: Tensor | None) -> str:
        if kind == "tensor":
            return f"_constant({self.slot(slot)})"
        if kind == "grad":
            return f"args[{position}].grad" if t is None else f"{self.name(t, 'T')}.grad"
        return self.slot(slot)


def _has_ref(template: Any) -> bool:
    kind = type(template)
    if kind is _Ref:
        return True
    if kind is tuple or kind is list:
        return any(_has_ref(x) for x in template)
    if kind is dict:
        return any(_has_ref(x) for x in template.values())
    return False


def _verifier(program: _Program, slot: int, name: str) -> Callable[[Any], None]:
    def verify(data: Any) -> None:
        if not _same(data, program.recorded[slot]):
            raise program.mismatch(repr(name))

    return verify


def _grads_verifier(program: _Program, number: int) -> Callable[[list[Any]], None]:
    def verify(grads: list[Any]) -> None:
        for got, want in zip(grads, program.passes[number][1]):
            if type(got) is not np.ndarray or not _same(got, want):
                raise program.mismatch("the gradients")

    return verify


def _learner(learnt: Any, key: tuple[int, int, int], push: _Push) -> Callable[[Any], Any]:
    """The decisions _push_grad takes for a share, in its order, noted under ``key``."""

    def learn(share: Any) -> Any:
        unbroadcast = share.shape != push.shape
        if unbroadcast:
            share = _unbroadcast(share, push.shape)
        cast = share.dtype != push.dtype
        if cast:
            share = share.astype(push.dtype)
        wrap = type(share) is not np.ndarray
        if wrap:
            share = np.asarray(share)
        learnt[key] = (unbroadcast, cast, wrap)
        return share

    return learn


def _extractor(spec: Any, kinds: list[tuple[Any, Any]]) -> Callable[[Any], list[Any]]:
    """A function of what an on_data function returned at replay giving its arrays, or
    raising _Retrace if its structure, its plain values, or its arrays' shapes and dtypes
    differ from the recording's."""
    ndarray = np.ndarray
    if spec is _LEAF:
        shape, dtype = kinds[0]

        def one(result: Any) -> list[Any]:
            if type(result) is not ndarray or result.shape != shape or result.dtype != dtype:
                raise _Retrace
            return [result]

        return one

    if spec[0] in (tuple, list) or (isinstance(spec[0], type) and hasattr(spec[0], "_fields")):
        if all(child is _LEAF or child[0] == "value" for child in spec[1]):
            return _flat_extractor(spec, kinds)

    def general(result: Any) -> list[Any]:
        arrays: list[Any] = []
        if not _same(_flatten(result, arrays), spec) or [(a.shape, a.dtype) for a in arrays] != (
            kinds
        ):
            raise _Retrace
        return arrays

    return general


def _flat_extractor(spec: Any, kinds: list[tuple[Any, Any]]) -> Callable[[Any], list[Any]]:
    """``_extractor`` for a flat tuple (or NamedTuple) of arrays and plain values."""
    ndarray, kind = np.ndarray, spec[0]
    shapes = iter(kinds)
    plan = [(True, *next(shapes)) if child is _LEAF else (False, *child[1:]) for child in spec[1]]

    def flat(result: Any) -> list[Any]:
        if type(result) is not kind or len(result) != len(plan):
            raise _Retrace
        arrays = []
        for item, (is_array, a, b) in zip(result, plan):
            if is_array:
                if type(item) is not ndarray or item.shape != a or item.dtype != b:
                    raise _Retrace
                arrays.append(item)
            elif type(item) is not a or item != b:
                raise _Retrace
        return arrays

    return flat


# ------------------------------------------------------------------ from a recording
class _Builder:
    """Turns a recording into a program: every array gets a slot, found again by the
    identity of the Tensor or array that held it."""

    def __init__(self, name: str, inputs: list[Tensor], given: list[Any]) -> None:
        self.program = _Program(name)
        self.node_slot: dict[int, int] = {}
        self.array_slot: dict[int, int] = {}
        self.keep: list[Any] = []  # what the maps' ids refer to stays alive
        self.position: dict[int, int] = {}  # slot -> argument position, for inputs
        for k, t in enumerate(inputs):
            self.position[self._new(t.data, t)] = k
        self.program.inputs = [isinstance(x, Tensor) for x in given]

    def _new(self, data: Any, node: Tensor | None = None) -> int:
        slot = self.program.slots
        self.program.slots += 1
        self.array_slot[id(data)] = slot
        self.keep.append(data)
        if node is not None:
            self.node_slot[id(node)] = slot
            self.keep.append(node)
        return slot

    def slot(self, t: Tensor) -> int:
        """``t``'s slot; a Tensor the recording did not make is a leaf read at replay."""
        found = self.node_slot.get(id(t))
        if found is not None:
            return found
        slot = self._new(t.data, t)
        self.program.leaves.append((slot, t, t.data.shape, t.data.dtype, t.requires_grad))
        return slot

    def tensor_of(self, t: Tensor) -> tuple[int, Tensor | None]:
        """Where a replay finds ``t``: its argument position, or ``t`` itself."""
        position = self.position.get(self.slot(t))
        return (-1, t) if position is None else (position, None)

    def template(self, obj: Any) -> Any:
        """``obj`` with its Tensors, and its arrays that hold slots, as _Refs (read at
        replay); other arrays are copied (values of the trace)."""
        if isinstance(obj, Tensor):
            return _Ref(self.slot(obj))
        if isinstance(obj, np.ndarray):
            found = self.array_slot.get(id(obj))
            return _Ref(found) if found is not None else obj.copy()
        kind = type(obj)
        if kind in (tuple, list):
            return kind(self.template(x) for x in obj)
        if kind is dict:
            return {k: self.template(x) for k, x in obj.items()}
        return obj

    def build(self, recorder: _Recorder, result: Any) -> _Program:
        program = self.program
        for event in recorder.events:
            kind = event[0]
            if kind == "node":
                self._node(*event[1:])
            elif kind == "data":
                self._data(*event[1:])
            else:
                self._backward(*event[1:])
        leaves: list[Any] = []
        program.out_spec = _flatten(result, leaves)
        program.outputs = [self._output(x, recorder) for x in leaves]
        return program

    def _node(self, out: Tensor, parents: tuple[Tensor, ...], op: Any, ctx: Any) -> None:
        program = self.program
        data = out.data
        if op is None:  # a constant: an alias of an array with a slot, or a value
            found = self.array_slot.get(id(data))
            if found is not None:
                self.node_slot[id(out)] = found
                self.keep.append(out)
            else:
                program.constants[self._new(data, out)] = data.copy()
            return
        replay = _replay_of(op)
        ins = tuple(self.slot(p) for p in parents)
        static = self.template(replay.static(ctx, data, [p.data for p in parents]))
        slot = self._new(data, out)
        program.recorded[slot] = data
        step = ("node", replay, ins, static, slot, op.name)
        program.steps.append(step)

    def _data(self, fn: Any, args: Any, kwargs: Any, result: Any) -> None:
        arrays: list[Any] = []
        spec = _flatten(result, arrays)
        if any(isinstance(a, Tensor) for a in arrays):
            raise TraceError(
                f"traced: on_data({getattr(fn, '__name__', fn)}) returned a Tensor; return "
                "arrays and plain values from the function given to on_data"
            )
        static = self.template(tuple(args))
        slots = tuple(self._new(a) for a in arrays)
        kinds = [(a.shape, a.dtype) for a in arrays]
        program = self.program
        program.recorded_data[len(program.steps)] = result
        extract = _extractor(spec, kinds)
        step = ("data", fn, static, kwargs, extract, slots, spec, kinds)
        program.steps.append(step)

    def _backward(
        self,
        root: Tensor,
        grad: Any,
        order: list[Any],
        leaves: list[Tensor],
        before: list[Any],
        after: list[Any],
    ) -> None:
        if not root._parents or not self._recorded(root):
            raise TraceError(
                "traced: backward() of a Tensor the traced function did not compute; call "
                "backward on a result computed inside it"
            )
        index: dict[int, int] = {}

        def grad_index(node: Any) -> int:
            return index.setdefault(id(node), len(index))

        root_index = grad_index(root)
        visits = []
        for node in reversed(order):  # the engine's order; every node in it gets a gradient
            if not node._parents:
                continue
            if not self._recorded(node):
                raise TraceError(
                    f"traced: backward reaches a Tensor computed outside the traced function "
                    f"(op {node.op!r}, shape {node.shape}); compute it inside the function, "
                    "or pass it in detached (t.detach())"
                )
            if node._rule.backprop is not _push_grad:
                raise TraceError(f"traced: operation {node.op!r} has a backward of its own")
            pushes, keys = [], []
            for position, (parent, vjp) in enumerate(zip(node._parents, node._rule.vjps)):
                if parent.requires_grad:
                    target = grad_index(parent)
                    leaf = not parent._parents
                    pushes.append(_Push(vjp, target, parent.data.shape, parent.data.dtype, leaf))
                    keys.append((node.op, position))
            args = tuple(self.slot(p) for p in node._parents)
            mine = grad_index(node)
            direct = getattr(node._rule, "direct", False)
            out = self.node_slot[id(node)]
            visits.append(_Visit(mine, out, args, tuple(pushes), tuple(keys), direct))
        seed: Any = None if grad is None else self.template(grad)
        if type(seed) is not _Ref:
            seed = root._seed(grad, False)
        pass_ = _Pass(
            tuple((grad_index(leaf), *self.tensor_of(leaf)) for leaf in leaves),
            len(index),
            root_index,
            seed,
            root.dtype,
            tuple(visits),
        )
        self.program.passes.append((before, after))
        self.program.steps.append(("backward", pass_))

    def _recorded(self, node: Tensor) -> bool:
        """Whether ``node`` was made by an operation of this recording."""
        slot = self.node_slot.get(id(node))
        return slot is not None and slot in self.program.recorded

    def _output(self, leaf: Any, recorder: _Recorder) -> tuple[str, int, int, Tensor | None]:
        if isinstance(leaf, Tensor):
            return ("tensor", self.slot(leaf), -1, None)
        for event in recorder.events:  # a leaf's gradient, returned as the array it is
            if event[0] == "backward":
                for t in event[4]:
                    if t.grad is leaf:
                        return ("grad", -1, *self.tensor_of(t))
        found = self.array_slot.get(id(leaf))
        if found is None:
            raise TraceError(
                "traced: the function returns an array computed from values outside the "
                f"recorded operations (shape {leaf.shape}); return Tensors (t rather than "
                "t.data), or compute it with on_data"
            )
        return ("array", found, -1, None)


# ------------------------------------------------------------------ the traced function
class _Signature(NamedTuple):
    program: _Program
    confirmed: bool


def _signature(
    args: tuple[Any, ...], kwargs: dict[str, Any], grad_mode: bool
) -> tuple[Any, Any, list[Any]]:
    """The cache key of a call, the spec of its arguments and their Tensors and arrays."""
    if not kwargs:  # the common call, step(x, y): flat, without a spec to build
        kinds: list[tuple[Any, Any, Any]] = []
        for a in args:
            if isinstance(a, Tensor):
                data = a.data
                kinds.append((data.shape, data.dtype, a.requires_grad))
            elif isinstance(a, np.ndarray):
                kinds.append((a.shape, a.dtype, None))
            else:
                break
        else:
            return (len(args), tuple(kinds), grad_mode), len(args), list(args)
    leaves: list[Any] = []
    spec = _flatten((args, kwargs), leaves)
    kinds = [
        (x.data.shape, x.data.dtype, x.requires_grad)
        if isinstance(x, Tensor)
        else (x.shape, x.dtype, None)
        for x in leaves
    ]
    return (spec, tuple(kinds), grad_mode), spec, leaves


class Traced:
    """``fn`` traced: see ``traced``. ``traces`` counts the calls that ran ``fn`` eagerly
    to record it, ``replays`` the calls replayed."""

    def __init__(self, fn: Callable[..., Any], max_signatures: int = MAX_SIGNATURES) -> None:
        if not callable(fn):
            raise TypeError(f"traced: expected a function, got {type(fn).__name__}")
        functools.update_wrapper(self, fn)
        self.fn = fn
        self.max_signatures = max_signatures
        self.traces = 0
        self.replays = 0
        self._programs: OrderedDict[Any, _Signature] = OrderedDict()

    def __repr__(self) -> str:
        return f"traced({getattr(self.fn, '__qualname__', self.fn)})"

    def clear(self) -> None:
        """Forget every recorded program (the next calls trace again)."""
        self._programs.clear()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        recorder = _tensor.TRACE
        if recorder is not None and recorder.mine():
            return self.fn(*args, **kwargs)  # inside another traced function: part of it
        state = _STATE.get()
        if state.anomaly:
            return _detached(self.fn(*args, **kwargs))  # detect_anomaly checks eagerly
        key, spec, leaves = _signature(args, kwargs, state.grad_enabled)
        try:
            known = self._programs.get(key)
        except TypeError:
            raise TypeError(
                "traced: an argument that is neither a Tensor nor an array is part of the "
                "signature (a new value traces again), so it must be hashable"
            ) from None
        if known is not None and known.confirmed:
            if len(self._programs) > 1:
                self._programs.move_to_end(key)  # the least recently used go first
            try:
                out = known.program.run(leaves)
            except _Retrace:
                known = None
            else:
                self.replays += 1
                return out
        return self._trace(key, known, spec, leaves)

    def _trace(self, key: Any, known: _Signature | None, spec: Any, leaves: list[Any]) -> Any:
        inputs = [x if isinstance(x, Tensor) else from_numpy(x) for x in leaves]
        if type(spec) is int:
            args, kwargs = tuple(inputs), {}
        else:
            args, kwargs = _unflatten(spec, iter(inputs))
        name = getattr(self.fn, "__name__", "fn")
        with _recording() as recorder:
            try:
                result = self.fn(*args, **kwargs)
            except BaseException:
                recorder.restore_grads()
                raise
        self.traces += 1
        try:
            if CLOCK[0] != recorder.clock:
                raise TraceError(
                    f"traced({name}): the function updated a Tensor in place (an optimizer's "
                    "step, t[...] = v, x += y, BatchNorm's running statistics in training "
                    "mode), which a replay would not repeat: keep optimizer.step() outside "
                    "the traced function, and write x = x + y"
                )
            program = _Builder(name, inputs, leaves).build(recorder, result)
            difference = None if known is None else known.program.differs(program)
            if known is not None and difference is None:
                program.check(leaves)
                self._store(key, _Signature(program, True))
                return _detached(result)
            if difference not in (None, "guard"):
                raise TraceError(
                    f"traced({name}): {difference} changed between two calls of one input "
                    "signature: it depends on values the recording does not see (numbers "
                    "read from .data, a comparison such as x > 0, argmax or sort indices, a "
                    "random draw, a Python decision on values), or on a variable of the "
                    "enclosing scope or a module's mode that changed. Compute masks and "
                    "indices with autograd_core.on_data, pass changing values as arguments, "
                    "or leave this function untraced"
                )
        except BaseException:
            recorder.restore_grads()
            raise
        self._store(key, _Signature(program, False))
        return _detached(result)

    def _store(self, key: Any, signature: _Signature) -> None:
        self._programs[key] = signature
        self._programs.move_to_end(key)
        while len(self._programs) > self.max_signatures:
            self._programs.popitem(last=False)


def _detached(result: Any) -> Any:
    """``result`` with every Tensor replaced by a constant of its data."""
    leaves: list[Any] = []
    spec = _flatten(result, leaves)
    return _unflatten(spec, iter(_constant(x.data) if isinstance(x, Tensor) else x for x in leaves))


def traced(fn: Callable[..., Any], *, max_signatures: int = MAX_SIGNATURES) -> Traced:
    """``fn``, a function of Tensors (a training step: forward, loss, ``backward()``),
    recorded and replayed as a flat program of NumPy calls, with results bit-identical to
    calling ``fn`` (see the module's docstring). Usable as a decorator.

    - Tensor and array arguments are inputs: a new shape, dtype or ``requires_grad``
      traces again (arrays reach ``fn`` as Tensors sharing their memory); other arguments
      are part of the signature by value. Programs for the ``max_signatures`` most
      recently used signatures are kept.
    - Tensors ``fn`` uses but did not make (parameters, buffers) are read at every
      replay, so optimizer updates between calls (and a rebound ``.data``) are seen; the
      Tensor objects themselves are the ones of the recording: a module attribute
      rebound to a new Parameter, or a name of the enclosing scope rebound to a new
      Tensor, is not seen (call ``.clear()``). Numbers and arrays from the enclosing scope
      are captured by value, as in ``jax.jit``. A module's ``train()``/``eval()`` mode is
      read again at each replay: a switch traces anew. ``backward()`` inside
      ``fn`` adds into ``.grad`` exactly as eager execution does (zero them outside).
    - Returns ``fn``'s result with each Tensor replaced by a constant Tensor of its data.
    - ``bool()``, ``int()``, ``float()``, ``item()`` and ``tolist()`` of a Tensor inside
      ``fn`` raise ``TraceError`` (a replay cannot repeat data-dependent Python control
      flow); so do in-place updates (keep ``optimizer.step()`` outside) and operations
      without a replay (named in the error).
    """
    return Traced(fn, max_signatures)
