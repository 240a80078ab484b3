"""Carrying a model to PyTorch and back: ``to_torch``, ``from_torch``, ``torch_state_dict``
and ``load_torch_state_dict``.

Every layer, activation, container and loss of ``nn`` has a ``torch.nn`` counterpart with
the same constructor arguments, kept as attributes of the same names on both sides, and
the same parameter and buffer names and layouts (``Linear.weight`` is (out, in) in both),
so one table (``_KINDS``) drives both directions. Two things need more than the table:

- Scalar networks (``Neuron``, ``Layer``, ``MLP``, micrograd's too) hold one
  ``ScalarParameter`` per weight; in PyTorch each layer of neurons is one
  ``torch.nn.Linear`` (its weight rows the neurons' weights) followed by the activation,
  all in one ``torch.nn.Sequential``, which takes a batch (N, nin) where ours takes one
  example.
- A Module subclass of your own keeps its sub-modules, parameters, buffers and plain
  attributes, and its ``forward`` (and other methods) is run on the other library's
  tensors. That works when the forward uses only what both have (calls of sub-modules,
  ``x.relu()``, ``x @ w``, ``+``, ...), which one cannot tell from the code, so it is
  checked: give ``example_input``, and both models run on it and must agree in outputs
  and in parameter gradients, or the conversion is refused with the reason.

PyTorch is imported inside the functions that need it, never when ``nn`` is imported.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np

from autograd_core import Tensor, Value

from . import losses
from .conv import Conv2d
from .dropout import Dropout
from .embedding import Embedding
from .flatten import Flatten
from .layers import Identity, Linear, ReLU, Sigmoid, Tanh
from .module import LoadResult, Module, ModuleList, Parameter, ParameterList, Sequential
from .normalization import BatchNorm1d, LayerNorm
from .pooling import AvgPool2d, MaxPool2d
from .scalar import MLP, Layer, Neuron
from .softmax import LogSoftmax, Softmax

__all__ = ["to_torch", "from_torch", "torch_state_dict", "load_torch_state_dict"]

Example = Any  # an array, list, Tensor or torch.Tensor: the one argument of forward


class _Kind(NamedTuple):
    """A layer of ``nn`` and its ``torch.nn`` counterpart."""

    ours: type[Module]
    torch_name: str  # the class in torch.nn (or in nn._torch_modules)
    # Constructor arguments both sides keep as attributes of these names ("bias": whether
    # there is one; "weight", "pos_weight": a loss's arrays, buffers in PyTorch).
    options: tuple[str, ...] = ()
    # Our constructor draws initial weights (then replaced) from ``rng``: given a stream of
    # its own, so converting never moves NumPy's global one.
    draws: bool = False


_KINDS = (
    _Kind(Linear, "Linear", ("in_features", "out_features", "bias"), draws=True),
    _Kind(
        Conv2d,
        "Conv2d",
        (
            "in_channels",
            "out_channels",
            "kernel_size",
            "stride",
            "padding",
            "dilation",
            "groups",
            "bias",
            "padding_mode",
        ),
        draws=True,
    ),
    _Kind(
        MaxPool2d,
        "MaxPool2d",
        ("kernel_size", "stride", "padding", "dilation", "return_indices", "ceil_mode"),
    ),
    _Kind(
        AvgPool2d,
        "AvgPool2d",
        ("kernel_size", "stride", "padding", "ceil_mode", "count_include_pad", "divisor_override"),
    ),
    _Kind(
        BatchNorm1d,
        "BatchNorm1d",
        ("num_features", "eps", "momentum", "affine", "track_running_stats", "bias"),
    ),
    _Kind(LayerNorm, "LayerNorm", ("normalized_shape", "eps", "elementwise_affine", "bias")),
    # inplace is left out: it saves memory in PyTorch and changes no number.
    _Kind(Dropout, "Dropout", ("p",)),
    _Kind(
        Embedding,
        "Embedding",
        (
            "num_embeddings",
            "embedding_dim",
            "padding_idx",
            "max_norm",
            "norm_type",
            "scale_grad_by_freq",
            "sparse",
        ),
        draws=True,
    ),
    _Kind(Flatten, "Flatten", ("start_dim", "end_dim")),
    _Kind(LogSoftmax, "LogSoftmax", ("dim",)),
    _Kind(Softmax, "Softmax", ("dim",)),
    _Kind(ReLU, "ReLU"),
    _Kind(Sigmoid, "Sigmoid"),
    _Kind(Tanh, "Tanh"),
    _Kind(Identity, "Identity"),
    _Kind(losses.SquaredErrorLoss, "SquaredErrorLoss"),
    _Kind(losses.MSELoss, "MSELoss", ("reduction",)),
    _Kind(losses.L1Loss, "L1Loss", ("reduction",)),
    _Kind(losses.SmoothL1Loss, "SmoothL1Loss", ("reduction", "beta")),
    _Kind(losses.HuberLoss, "HuberLoss", ("reduction", "delta")),
    _Kind(losses.BCELoss, "BCELoss", ("weight", "reduction")),
    _Kind(losses.BCEWithLogitsLoss, "BCEWithLogitsLoss", ("weight", "reduction", "pos_weight")),
    _Kind(losses.NLLLoss, "NLLLoss", ("weight", "ignore_index", "reduction")),
    _Kind(
        losses.CrossEntropyLoss,
        "CrossEntropyLoss",
        ("weight", "ignore_index", "reduction", "label_smoothing"),
    ),
)
_BY_OURS = {kind.ours: kind for kind in _KINDS}
_ARRAYS = ("weight", "pos_weight")  # options that are arrays (a loss's weights)
# A scalar neuron's activation as a torch.nn class (None: linear, nothing to add).
_SCALAR_ACTIVATIONS = {"relu": "ReLU", "sigmoid": "Sigmoid", "tanh": "Tanh"}
_TO_LOAD = "model.load_torch_state_dict(torch_module.state_dict())"
_TO_COPY = "torch_model.load_state_dict(nn.torch_state_dict(model))"
# Relative agreement an example run must reach (max difference / max magnitude).
_CHECK_RTOL = {np.dtype(np.float64): 1e-9, np.dtype(np.float32): 1e-4}


def _torch() -> Any:
    """The torch module, or an error saying how to install it."""
    try:
        import torch
    except ModuleNotFoundError as exc:
        raise ModuleNotFoundError(
            "converting to or from PyTorch needs torch: pip install 'autograd-core[torch]' "
            "(or pip install torch)",
            name="torch",
        ) from exc
    return torch


def _torch_class(torch: Any, name: str) -> Any:
    from ._torch_modules import EXTRA

    return getattr(torch.nn, name, None) or EXTRA[name]


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _where(path: str) -> str:
    return f"at {path!r}" if path else "(the model itself)"


def _ours_library(cls: type) -> bool:
    """Whether ``cls`` is part of this library (or ``object``), not a user's class."""
    module = cls.__module__
    return cls is object or module == "nn" or module.startswith(("nn.", "autograd_core"))


def _torch_library(cls: type) -> bool:
    module = cls.__module__
    return cls is object or module.startswith("torch.") or module == "nn._torch_modules"


def _forward_owner(cls: type) -> type:
    """The class whose ``forward`` instances of ``cls`` run."""
    return next(c for c in cls.__mro__ if "forward" in vars(c))


# ------------------------------------------------------------------ scalar networks
class _NeuronLayer(NamedTuple):
    neurons: list[Neuron]
    activation: str | None  # a key of _SCALAR_ACTIVATIONS, or None


def _runs_forward_of(module: Any, cls: type) -> bool:
    """Whether ``module`` is a ``cls`` that runs ``cls``'s own forward (not an override)."""
    forward = getattr(cls, "forward", None)
    return isinstance(module, cls) and getattr(type(module), "forward", None) is forward


def _scalar_layers(module: Module, path: str) -> list[_NeuronLayer] | None:
    """A scalar network's layers of neurons, or None if ``module`` is not one (or has a
    forward of its own); an error if its layers cannot be PyTorch layers."""
    if _runs_forward_of(module, Neuron):
        groups: list[list[Any]] = [[module]]
    elif isinstance(module, Layer) and _runs_forward_of(module, Layer):
        groups = [list(module.neurons)]
    elif isinstance(module, MLP) and _runs_forward_of(module, MLP):
        groups = [list(layer.neurons) for layer in module.layers]
        if not all(_runs_forward_of(layer, Layer) for layer in module.layers):
            raise ValueError(
                f"the MLP {_where(path)} holds a layer with a forward of its own; "
                "only nn.Layer layers become torch.nn.Linear"
            )
    else:
        return None
    layers: list[_NeuronLayer] = []
    for i, neurons in enumerate(groups):
        if not neurons or not all(_runs_forward_of(n, Neuron) for n in neurons):
            raise ValueError(
                f"layer {i} of the scalar network {_where(path)} must hold "
                "nn.Neuron neurons (at least one) to become a torch.nn.Linear"
            )
        sizes = {len(n.w) for n in neurons}
        activations = {None if n.activation == "linear" else n.activation for n in neurons}
        if len(sizes) > 1 or len(activations) > 1:
            raise ValueError(
                f"the neurons of layer {i} of the scalar network {_where(path)} "
                f"differ (inputs {sorted(sizes)}, activations {sorted(map(str, activations))}); "
                "a torch.nn.Linear needs one input size and one activation"
            )
        (activation,) = activations
        if activation is not None and activation not in _SCALAR_ACTIVATIONS:
            raise ValueError(
                f"activation {activation!r} of the scalar network {_where(path)} has "
                f"no torch.nn module here (known: {', '.join(_SCALAR_ACTIVATIONS)})"
            )
        if layers and len(layers[-1].neurons) != sizes.pop():
            raise ValueError(
                f"layer {i} of the scalar network {_where(path)} does not take the "
                "previous layer's outputs"
            )
        layers.append(_NeuronLayer(neurons, activation))
    return layers


def _scalar_to_torch(layers: list[_NeuronLayer], torch: Any) -> Any:
    parts = []
    for layer in layers:
        with torch.random.fork_rng(devices=[]):  # weights replaced: torch's stream untouched
            linear = torch.nn.Linear(len(layer.neurons[0].w), len(layer.neurons))
        rows = [[w.data for w in n.w] for n in layer.neurons]
        linear.weight = torch.nn.Parameter(torch.tensor(rows, dtype=torch.float64))
        bias = [n.b.data for n in layer.neurons]
        linear.bias = torch.nn.Parameter(torch.tensor(bias, dtype=torch.float64))
        parts.append(linear)
        if layer.activation is not None:
            parts.append(getattr(torch.nn, _SCALAR_ACTIVATIONS[layer.activation])())
    return torch.nn.Sequential(*parts)


# ------------------------------------------------------------------ state by PyTorch's names
class _Slot(NamedTuple):
    """One entry of the PyTorch state dict, and where it lives in our model."""

    key: str
    shape: tuple[int, ...]
    read: Callable[[], np.ndarray]
    grad: Callable[[], np.ndarray]  # zeros where there is no gradient yet
    write: Callable[[np.ndarray], None]


def _tensor_slot(key: str, t: Tensor) -> _Slot:
    def write(array: np.ndarray) -> None:
        t.data[...] = array  # in place: optimisers and views keep the same array

    return _Slot(
        key,
        t.data.shape,
        lambda: t.data,
        lambda: np.zeros_like(t.data) if t.grad is None else np.asarray(t.grad),
        write,
    )


def _value_slot(key: str, v: Value) -> _Slot:
    def write(array: np.ndarray) -> None:
        v.data = float(array)

    return _Slot(key, (), lambda: np.array(v.data), lambda: np.array(v.grad or 0.0), write)


def _grid_slot(key: str, grid: Sequence[Sequence[Value]], flat: bool) -> _Slot:
    """A weight matrix (or, ``flat``, a bias vector) made of one Value per number."""
    shape = (len(grid),) if flat else (len(grid), len(grid[0]))

    def numbers(attribute: str) -> np.ndarray:
        array = np.array([[getattr(v, attribute) or 0.0 for v in row] for row in grid])
        return array.reshape(shape)

    def write(array: np.ndarray) -> None:
        for row, numbers_ in zip(grid, array.reshape(len(grid), -1)):
            for v, x in zip(row, numbers_):
                v.data = float(x)

    return _Slot(key, shape, lambda: numbers("data"), lambda: numbers("grad"), write)


def _option_slot(key: str, module: Module, name: str) -> _Slot:
    """A loss's weights, a buffer in PyTorch and an attribute here."""
    shape = np.shape(_data(getattr(module, name)))

    def write(array: np.ndarray) -> None:
        setattr(module, name, np.array(array, dtype=np.float64))

    return _Slot(
        key,
        shape,
        lambda: np.asarray(_data(getattr(module, name)), dtype=np.float64),
        lambda: np.zeros(shape),
        write,
    )


def _data(x: Any) -> Any:
    return x.data if isinstance(x, Tensor) else x


def _own_slots(module: Module, prefix: str) -> Iterator[_Slot]:
    """The entries of ``module`` itself (not of its sub-modules), in PyTorch's order."""
    kind = _kind_of(module)
    for name in _ARRAYS:
        if kind is not None and name in kind.options and getattr(module, name) is not None:
            yield _option_slot(prefix + name, module, name)
    for name, p in module._parameters.items():
        if p is not None:
            yield (
                _tensor_slot(prefix + name, p)
                if isinstance(p, Tensor)
                else _value_slot(prefix + name, p)
            )
    for name, b in module._buffers.items():
        if b is not None and name not in module._non_persistent:
            yield _tensor_slot(prefix + name, b)


def _slots(model: Module) -> list[_Slot]:
    """Every entry of the state dict of ``to_torch(model)``, in PyTorch's order: each
    module's own entries, then its sub-modules' (a shared one under each of its names, as
    PyTorch lists it)."""
    slots: list[_Slot] = []
    stack: list[tuple[str, Module, frozenset[int]]] = [("", model, frozenset())]
    while stack:
        prefix, module, ancestors = stack.pop()
        layers = _scalar_layers(module, prefix.rstrip("."))
        if layers is not None:
            index = 0
            for layer in layers:
                weights = [list(n.w) for n in layer.neurons]
                slots.append(_grid_slot(f"{prefix}{index}.weight", weights, flat=False))
                slots.append(
                    _grid_slot(f"{prefix}{index}.bias", [[n.b] for n in layer.neurons], flat=True)
                )
                index += 1 if layer.activation is None else 2
            continue
        slots.extend(_own_slots(module, prefix))
        inside = ancestors | {id(module)}  # a module holding its own ancestor: not followed
        stack.extend(
            (f"{prefix}{name}.", child, inside)
            for name, child in reversed(module._modules.items())
            if id(child) not in inside
        )
    return slots


def torch_state_dict(model: Module) -> dict[str, Any]:
    """``model``'s parameters and buffers as PyTorch names and lays them out: the state
    dict of ``to_torch(model)``, for ``torch_model.load_state_dict`` when you build the
    PyTorch model yourself. Copies, as torch tensors."""
    torch = _torch()
    return {s.key: torch.from_numpy(np.array(s.read(), copy=True)) for s in _slots(model)}


def _as_array(value: Any) -> np.ndarray:
    """A torch tensor, our Tensor, a Value or an array-like as a NumPy array."""
    if hasattr(value, "detach") and hasattr(value, "cpu"):  # a torch tensor
        return np.array(value.detach().cpu().numpy(), copy=True)
    if isinstance(value, (Tensor, Value)):
        return np.asarray(value.data)
    return np.asarray(value)


def load_torch_state_dict(
    model: Module, state: Mapping[str, Any], strict: bool = True
) -> LoadResult:
    """Copy a PyTorch state dict (``torch_module.state_dict()``) into ``model``, whose
    layers must match: keys as in ``to_torch(model).state_dict()``, shapes as there.
    Everything is checked before anything changes: a wrong shape, and with ``strict`` a
    missing or unexpected key, is an error naming the first mismatch, and the model is left
    as it was. Usually called as ``model.load_torch_state_dict(state)``."""
    if not isinstance(state, Mapping):
        raise TypeError(
            f"load_torch_state_dict: expected a dict of tensors (torch_module.state_dict()), "
            f"got {type(state).__name__}"
        )
    slots = _slots(model)
    keys = {s.key for s in slots}
    missing = [s.key for s in slots if s.key not in state]
    unexpected = [str(k) for k in state if k not in keys]
    problems: list[str] = []
    arrays: list[tuple[_Slot, np.ndarray]] = []
    for slot in slots:
        if slot.key not in state:
            continue
        try:
            array = _as_array(state[slot.key])
        except (TypeError, RuntimeError) as exc:  # bfloat16 and friends: no NumPy dtype
            problems.append(f"{slot.key}: cannot be read as a NumPy array ({exc})")
            continue
        if array.dtype.kind not in "fiu":
            problems.append(f"{slot.key}: expected numbers, got dtype {array.dtype}")
        elif array.shape != slot.shape:
            problems.append(
                f"{slot.key}: shape {array.shape} in the state dict, {slot.shape} in the model"
            )
        else:
            arrays.append((slot, array))
    if strict and missing:
        problems.append(f"missing keys: {', '.join(missing)}")
    if strict and unexpected:
        problems.append(f"unexpected keys: {', '.join(unexpected)}")
    if problems:
        raise ValueError(
            f"load_torch_state_dict into {type(model).__name__} failed; nothing was changed. "
            f"First mismatch: {problems[0]}"
            + "".join(f"\n  {p}" for p in problems[1:])
            + "\n(the keys and shapes expected are those of nn.to_torch(model).state_dict())"
        )
    for slot, array in arrays:
        slot.write(array)
    return LoadResult(missing, unexpected)


# ------------------------------------------------------------------ what a module is
def _listed(module: Any, table: Mapping[Any, _Kind]) -> _Kind | None:
    """The entry of ``table`` (by class) for ``module``: its class or the nearest listed
    base class, if ``module`` runs that class's forward."""
    for cls in type(module).__mro__:
        kind = table.get(cls)
        if kind is not None:
            return kind if _runs_forward_of(module, cls) else None
    return None


def _kind_of(module: Module) -> _Kind | None:
    return _listed(module, _BY_OURS)


def _mirror(cls: type, base: type, library: Callable[[type], bool]) -> type:
    """A subclass of ``base`` (the other library's Module) carrying ``cls``'s own methods
    and class attributes (``forward`` among them), those of the library's classes left out."""
    base_api = set(dir(base)) - {"forward"}
    namespace: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        if library(klass):
            continue
        for name, value in vars(klass).items():
            if not (name.startswith("__") and name.endswith("__")) and name not in base_api:
                namespace[name] = value
    namespace["__module__"], namespace["__qualname__"] = cls.__module__, cls.__qualname__
    # One per class, so that instances of one class of one's own share their mirror.
    return _MIRRORS.setdefault((cls, base), type(cls.__name__, (base,), namespace))


_MIRRORS: dict[tuple[type, type], type] = {}


def _plain_attributes(
    module: Any, internal: set[str], registered: set[str]
) -> Iterator[tuple[str, Any]]:
    """The attributes of ``module`` that are neither registered nor the library's own."""
    for name, value in vars(module).items():
        if name not in internal and name not in registered:
            yield name, value


class _Build(NamedTuple):
    """What one conversion carries along: torch, converted modules by id (a shared module
    stays shared), the modules whose own forward must be checked, and how a tensor attribute
    crosses over."""

    torch: Any
    memo: dict[int, Any]
    custom: list[str]
    to_other: Callable[[Any], Any]


# ------------------------------------------------------------------ to PyTorch
def _tensor(array: Any, torch: Any) -> Any:
    return torch.from_numpy(np.array(array, copy=True))


def _torch_option(name: str, value: Any, torch: Any) -> Any:
    if name in _ARRAYS and value is not None:
        return _tensor(np.asarray(_data(value), dtype=np.float64), torch)
    return value


def _options(module: Any, kind: _Kind) -> dict[str, Any]:
    return {
        name: (getattr(module, name) is not None) if name == "bias" else getattr(module, name)
        for name in kind.options
    }


def _construct(cls: Any, kwargs: dict[str, Any], path: str, what: str, to: str) -> Any:
    try:
        return cls(**kwargs)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{to}: {what} {_where(path)} has no counterpart: {exc}") from exc


def _layer_to_torch(module: Module, kind: _Kind, path: str, build: _Build) -> Any:
    torch = build.torch
    cls = _torch_class(torch, kind.torch_name)
    kwargs = {n: _torch_option(n, v, torch) for n, v in _options(module, kind).items()}
    what = f"nn.{kind.ours.__name__}"
    accepted = inspect.signature(cls).parameters
    ours_defaults = inspect.signature(kind.ours).parameters
    for name in [n for n in kwargs if n not in accepted]:
        # An option an older torch lacks (BatchNorm1d's bias, in some): fine at its
        # default, else this torch has no such layer.
        if kwargs[name] != ours_defaults[name].default:
            raise ValueError(
                f"to_torch: {what} {_where(path)} has {name}={kwargs[name]!r}, which "
                f"torch.nn.{kind.torch_name} of torch {torch.__version__} does not offer; "
                "upgrade torch, or rebuild the layer without it"
            )
        del kwargs[name]
    # Its initial weights are replaced: drawn under fork_rng, they leave torch's stream as
    # it was (skip_init would too, but its first call takes seconds).
    with torch.random.fork_rng(devices=[]):
        theirs = _construct(cls, kwargs, path, what, "to_torch")
    _state_to_torch(module, theirs, torch)
    return theirs


def _torch_parameter(p: Tensor | Value, torch: Any) -> Any:
    param = torch.nn.Parameter(_tensor(p.data, torch))
    return param.requires_grad_(bool(getattr(p, "requires_grad", True)))


def _state_to_torch(module: Module, theirs: Any, torch: Any) -> None:
    for name, p in module._parameters.items():
        theirs.register_parameter(name, None if p is None else _torch_parameter(p, torch))
    for name, b in module._buffers.items():
        theirs.register_buffer(
            name,
            None if b is None else _tensor(b.data, torch),
            persistent=name not in module._non_persistent,
        )


_OURS_INTERNAL = set(vars(Module())) | {"_scope"}


def _container_to_torch(module: Module, path: str, build: _Build) -> Any:
    torch = build.torch
    owner = _forward_owner(type(module))
    # The lists have no forward (their owner's is Module's); one of their subclasses with
    # a forward is a Module of one's own.
    listed = owner is Module and isinstance(module, (ModuleList, ParameterList))
    if owner is Sequential:
        theirs = torch.nn.Sequential()
    elif listed:
        theirs = (
            torch.nn.ModuleList() if isinstance(module, ModuleList) else torch.nn.ParameterList()
        )
    elif owner is Module or not _ours_library(owner):
        cls: Any = (
            torch.nn.Module
            if type(module) is Module
            else _mirror(type(module), torch.nn.Module, _ours_library)
        )
        theirs = cls.__new__(cls)
        torch.nn.Module.__init__(theirs)
        if owner is not Module:
            build.custom.append(f"{type(module).__name__} {_where(path)}")
    else:
        known = ", ".join(kind.ours.__name__ for kind in _KINDS)
        raise ValueError(
            f"to_torch: nn.{type(module).__name__} {_where(path)} has no PyTorch counterpart "
            f"here (known layers: {known}; containers: Sequential, ModuleList, ParameterList; "
            f"and Modules of your own). Build that part in PyTorch and copy the weights: "
            f"{_TO_COPY}"
        )
    build.memo[id(module)] = theirs
    if isinstance(theirs, torch.nn.ParameterList):
        # torch's ParameterList counts its entries as they are appended.
        for p in module._parameters.values():
            if p is not None:
                theirs.append(_torch_parameter(p, torch))
        return theirs
    _state_to_torch(module, theirs, torch)
    for name, child in module._modules.items():
        theirs.add_module(name, _to_torch(child, _join(path, name), build))
    if isinstance(theirs, (torch.nn.Sequential, torch.nn.ModuleList)):
        return theirs
    registered = set(module._parameters) | set(module._buffers) | set(module._modules)
    for name, value in _plain_attributes(module, _OURS_INTERNAL, registered):
        # Around torch's __setattr__: a module here is registered elsewhere already.
        object.__setattr__(theirs, name, _carried(value, build.memo, build.to_other))
    return theirs


def _carried(value: Any, memo: dict[int, Any], convert: Callable[[Any], Any]) -> Any:
    """A plain attribute for the other side: a converted module as its counterpart (lists
    and tuples of them too), a tensor converted, anything else as it is."""
    if id(value) in memo:
        return memo[id(value)]
    if isinstance(value, (list, tuple)) and value and all(id(v) in memo for v in value):
        return type(value)(memo[id(v)] for v in value)
    if isinstance(value, Tensor) or (hasattr(value, "detach") and hasattr(value, "cpu")):
        return convert(value)
    return value


def _to_torch(module: Module, path: str, build: _Build) -> Any:
    if id(module) in build.memo:
        return build.memo[id(module)]
    layers = _scalar_layers(module, path)
    if layers is not None:
        theirs = _scalar_to_torch(layers, build.torch)
        theirs.train(module.training)
    elif (kind := _kind_of(module)) is not None:
        theirs = _layer_to_torch(module, kind, path, build)
    else:
        theirs = _container_to_torch(module, path, build)
    theirs.training = module.training
    build.memo[id(module)] = theirs
    return theirs


def to_torch(model: Module, example_input: Example = None) -> Any:
    """A ``torch.nn.Module`` with ``model``'s architecture, weights (copies, in their dtype),
    buffers and train/eval modes.

    Layers become their ``torch.nn`` namesakes with the same options; losses too (the
    blog's ``SquaredErrorLoss`` becomes one of ``nn._torch_modules``); scalar networks
    (``Neuron``, ``Layer``, ``MLP``) become ``torch.nn.Sequential`` stacks of
    ``torch.nn.Linear`` and activations, which take a batch (N, nin). A Module of your own
    keeps its forward, which must then be checked: pass ``example_input`` (the one argument
    of ``model``'s forward), and both models run on it in eval mode and must agree in
    outputs and parameter gradients. With ``example_input`` given, the check is made
    whatever the model. Dropout masks come from each library's own random stream.
    """
    torch = _torch()
    if not isinstance(model, Module):
        raise TypeError(f"to_torch: expected an nn.Module, got {type(model).__name__}")
    build = _Build(torch, {}, [], lambda t: _tensor(t.data, torch))
    theirs = _to_torch(model, "", build)
    instead = f"build the model in PyTorch and copy the weights: {_TO_COPY}"
    _finish(model, theirs, example_input, build, "to_torch", instead)
    return theirs


# ------------------------------------------------------------------ from PyTorch


def _array_of(t: Any, what: str) -> np.ndarray:
    try:
        return np.array(t.detach().cpu().numpy(), copy=True)
    except (TypeError, RuntimeError, ValueError) as exc:  # bfloat16, meta, uninitialised
        raise ValueError(
            f"from_torch: {what} ({t.dtype}) cannot be read as a NumPy array ({exc}); "
            "convert the module first (module.cpu().double(), or run a lazy module once)"
        ) from exc


def _as_tensor(array: np.ndarray) -> Tensor:
    return Tensor(array, dtype=array.dtype)  # integers stay integers (num_batches_tracked)


def _state_from_torch(theirs: Any, ours: Module, path: str, skip: tuple[str, ...]) -> None:
    for name, p in theirs._parameters.items():
        if name in skip:
            continue
        if p is None:
            setattr(ours, name, None)
            continue
        param = Parameter(_array_of(p, _join(path, name)))
        param.requires_grad = bool(p.requires_grad)
        setattr(ours, name, param)
    for name, b in theirs._buffers.items():
        if name in skip:
            continue
        value = None if b is None else _as_tensor(_array_of(b, _join(path, name)))
        persistent = name not in theirs._non_persistent_buffers_set
        if name in ours._buffers and persistent == (name not in ours._non_persistent):
            setattr(ours, name, value)
        else:
            ours.register_buffer(name, value, persistent)


def _layer_from_torch(theirs: Any, kind: _Kind, path: str) -> Module:
    kwargs = {
        name: (
            _array_of(value, _join(path, name)) if name in _ARRAYS and value is not None else value
        )
        for name, value in _options(theirs, kind).items()
    }
    if kind.draws:
        kwargs["rng"] = np.random.default_rng(0)  # drawn, then replaced
    what = f"torch.nn.{kind.torch_name}"
    ours: Module = _construct(kind.ours, kwargs, path, what, "from_torch")
    # A loss's weights came as options; they are buffers in PyTorch.
    skip = tuple(n for n in kind.options if n in _ARRAYS)
    ours_names, their_names = _filled(ours._parameters, skip), _filled(theirs._parameters, skip)
    if ours_names != their_names:  # a parametrisation (weight_norm, ...) moved them
        raise ValueError(
            f"from_torch: the {what} {_where(path)} holds parameters {their_names} where "
            f"nn.{kind.ours.__name__} with its options holds {ours_names} (a parametrisation "
            "such as weight_norm?); remove it first (torch.nn.utils.parametrize."
            "remove_parametrizations)"
        )
    _state_from_torch(theirs, ours, path, skip)
    return ours


def _filled(slots: Mapping[str, Any], skip: tuple[str, ...]) -> list[str]:
    return sorted(name for name, p in slots.items() if p is not None and name not in skip)


_TORCH_INTERNAL: set[str] = set()  # filled at the first from_torch (needs torch)


def _container_from_torch(theirs: Any, path: str, build: _Build) -> Module:
    torch = build.torch
    owner = _forward_owner(type(theirs))
    ours: Module
    if isinstance(theirs, torch.nn.ParameterList) and owner is torch.nn.Module:
        ours = ParameterList()
        build.memo[id(theirs)] = ours
        for i, p in enumerate(theirs):
            param = Parameter(_array_of(p, _join(path, str(i))))
            param.requires_grad = bool(p.requires_grad)
            ours.append(param)
        return ours
    if owner is torch.nn.Sequential:
        ours = Sequential()
    elif isinstance(theirs, torch.nn.ModuleList) and owner is torch.nn.Module:
        ours = ModuleList()
    elif owner is torch.nn.Module or not _torch_library(owner):
        cls: Any = (
            Module
            if type(theirs) is torch.nn.Module
            else _mirror(type(theirs), Module, _torch_library)
        )
        ours = cls.__new__(cls)
        if owner is not torch.nn.Module:
            build.custom.append(f"{type(theirs).__name__} {_where(path)}")
    else:
        known = ", ".join(kind.torch_name for kind in _KINDS)
        raise ValueError(
            f"from_torch: {type(theirs).__module__}.{type(theirs).__name__} {_where(path)} "
            f"has no nn counterpart (known: {known}; Sequential, ModuleList, ParameterList, "
            "and Modules of your own). Write that part as an nn Module of your own (nn."
            f"functional has the operations) and load the weights: {_TO_LOAD}"
        )
    build.memo[id(theirs)] = ours
    _state_from_torch(theirs, ours, path, ())
    for name, child in theirs._modules.items():
        if child is None:
            continue
        mine = _from_torch(child, _join(path, name), build)
        if isinstance(ours, ModuleList):
            ours.append(mine)  # named "0", "1", ... as in torch
        elif isinstance(ours, Sequential):
            # Their names kept ("fc1" in a Sequential of an OrderedDict), so state dicts match.
            ours.add_module(name, mine)
            ours._items.append(mine)
        else:
            setattr(ours, name, mine)
    if isinstance(ours, (Sequential, ModuleList)):
        return ours
    if not _TORCH_INTERNAL:
        _TORCH_INTERNAL.update(vars(torch.nn.Module()))
    registered = set(theirs._parameters) | set(theirs._buffers) | set(theirs._modules)
    for name, value in _plain_attributes(theirs, _TORCH_INTERNAL, registered):
        # Around our __setattr__: a module here is registered elsewhere already.
        object.__setattr__(ours, name, _carried(value, build.memo, build.to_other))
    return ours


def _from_torch(theirs: Any, path: str, build: _Build) -> Module:
    if id(theirs) in build.memo:
        return build.memo[id(theirs)]  # type: ignore[no-any-return]
    hooks = ("_forward_hooks", "_forward_pre_hooks", "_backward_hooks", "_backward_pre_hooks")
    if any(getattr(theirs, name, None) for name in hooks):
        raise ValueError(
            f"from_torch: the {type(theirs).__name__} {_where(path)} has hooks, which change "
            "what it computes and which nn cannot carry; remove them first (handle.remove())"
        )
    kind = _listed(theirs, {_torch_class(build.torch, k.torch_name): k for k in _KINDS})
    if kind is not None:
        ours = _layer_from_torch(theirs, kind, path)
    else:
        ours = _container_from_torch(theirs, path, build)
    object.__setattr__(ours, "training", bool(theirs.training))
    build.memo[id(theirs)] = ours
    return ours


def from_torch(torch_module: Any, example_input: Example = None) -> Module:
    """The ``nn`` model matching a ``torch.nn.Module``: its layers, weights (copies, in
    their dtype), buffers and train/eval modes.

    Every ``torch.nn`` class ``to_torch`` produces comes back as its ``nn`` namesake
    (``inplace`` is dropped: it changes no number); ``Sequential`` keeps its children's
    names. A torch Module of your own keeps its forward, run on our Tensors, which must be
    checked as for ``to_torch``: pass ``example_input``. A scalar network comes back as
    ``Linear`` layers; to fill a scalar network, use ``load_torch_state_dict``.
    """
    torch = _torch()
    if not isinstance(torch_module, torch.nn.Module):
        raise TypeError(
            f"from_torch: expected a torch.nn.Module, got {type(torch_module).__name__}"
        )
    build = _Build(torch, {}, [], lambda t: _as_tensor(_array_of(t, "an attribute")))
    ours = _from_torch(torch_module, "", build)
    instead = f"write the model with nn modules and load the weights: {_TO_LOAD}"
    _finish(ours, torch_module, example_input, build, "from_torch", instead)
    return ours


# ------------------------------------------------------------------ the example run
def _finish(
    ours: Module, theirs: Any, example: Example, build: _Build, what: str, instead: str
) -> None:
    """Refuse a forward of one's own that cannot be checked; check on ``example`` if given."""
    if build.custom and example is None:
        raise ValueError(
            f"{what}: {', '.join(build.custom)} defines its own forward, which runs on the "
            "other library's tensors only if it uses operations both libraries have "
            "(sub-module calls, x.relu(), x @ w, +, ...). Pass example_input=... so "
            f"{what} can run both models on it and check that they agree, or {instead}"
        )
    if example is not None:
        _check(ours, theirs, example, build.torch, what, build.custom, instead)


def _leaves(out: Any, torch_side: bool) -> list[Any]:
    """A forward's outputs as a flat list (a list of Values, a scalar network's output,
    is one)."""
    if isinstance(out, (list, tuple)) and not (
        not torch_side and out and all(isinstance(v, Value) for v in out)
    ):
        return [leaf for item in out for leaf in _leaves(item, torch_side)]
    return [out]


def _numbers(leaf: Any) -> np.ndarray:
    if isinstance(leaf, (list, tuple)):
        return np.array([v.data for v in leaf])
    return _as_array(leaf)


def _weights(shape: tuple[int, ...]) -> np.ndarray:
    """Fixed, uneven weights for the outputs: their weighted sum is what is differentiated
    (a plain sum would give a softmax no gradient)."""
    return np.cos(np.arange(int(np.prod(shape))) + 0.5).reshape(shape)


def _differ(a: np.ndarray, b: np.ndarray) -> float | None:
    """How far ``a`` is from ``b`` (relative to b's largest magnitude), or None if they
    agree within the tolerance of their dtype."""
    if a.dtype.kind not in "fc" or b.dtype.kind not in "fc":
        return None if np.array_equal(a, b) else float("inf")
    scale = max(float(np.max(np.abs(b), initial=0.0)), np.finfo(b.dtype).tiny)
    gap = float(np.max(np.abs(a - b), initial=0.0)) / scale
    rtol = _CHECK_RTOL.get(np.result_type(a, b), 1e-4)
    return None if gap <= rtol else gap


def _check(
    ours: Module,
    theirs: Any,
    example: Example,
    torch: Any,
    what: str,
    custom: list[str],
    instead: str,
) -> None:
    """Run both models on ``example`` in eval mode; an error unless outputs and parameter
    gradients agree. Modes and gradients are put back afterwards."""
    whose = ", ".join(custom) if custom else "the model"
    advice = (
        f"{whose}: its forward must use only operations both libraries have; otherwise {instead}"
    )
    ours_modes = [(m, m.training) for m in ours.modules()]
    their_modes = [(m, m.training) for m in theirs.modules()]
    ours_grads = [(p, p.grad) for p in ours.parameters()]
    their_grads = [(p, p.grad) for p in theirs.parameters()]
    ours.eval()
    theirs.eval()
    try:
        for p, _ in ours_grads:
            p.grad = None
        for p, _ in their_grads:
            p.grad = None
        _compare_runs(ours, theirs, example, torch, what, advice)
    finally:
        for m, mode in ours_modes:
            object.__setattr__(m, "training", mode)
        for m, mode in their_modes:
            m.training = mode
        for p, g in ours_grads:
            p.grad = g
        for p, g in their_grads:
            p.grad = g


def _compare_runs(
    ours: Module, theirs: Any, example: Example, torch: Any, what: str, advice: str
) -> None:
    torch_input = _tensor(_as_array(example), torch)
    ours_input = torch_input.numpy() if hasattr(example, "detach") else example
    outputs = []
    for side, model, x in (("nn", ours, ours_input), ("torch", theirs, torch_input)):
        try:
            outputs.append(_leaves(model(x), torch_side=side == "torch"))
        except Exception as exc:  # whatever a forward of one's own may raise
            raise ValueError(
                f"{what}: the {side} model failed on example_input ({exc!r}); {advice}"
            ) from exc
    ours_out, their_out = outputs
    if len(ours_out) != len(their_out) or not all(isinstance(t, torch.Tensor) for t in their_out):
        raise ValueError(
            f"{what}: on example_input the nn model gives {len(ours_out)} outputs, the torch "
            f"model {[f'{type(t).__module__}.{type(t).__name__}' for t in their_out]}; {advice}"
        )
    ours_loss: Any = None
    their_loss: Any = None
    for i, (mine, yours) in enumerate(zip(ours_out, their_out)):
        a, b = _numbers(mine), _as_array(yours)
        if isinstance(mine, (list, tuple, Value)):  # a scalar network's one example
            a, b = a.ravel(), b.ravel()
        gap = _differ(a, b) if a.shape == b.shape else float("inf")
        if gap is not None:
            raise ValueError(
                f"{what}: output {i} on example_input differs (nn: shape {a.shape}, torch: "
                f"{b.shape}; relative difference {gap:.3g}); {advice}"
            )
        ours_track = bool(getattr(mine, "requires_grad", True))  # a list of Values: True
        if a.dtype.kind != "f" or not (ours_track or yours.requires_grad):
            continue
        if ours_track != yours.requires_grad:
            raise ValueError(
                f"{what}: output {i} on example_input has a gradient in the "
                f"{'nn' if ours_track else 'torch'} model only; {advice}"
            )
        w = _weights(b.shape)
        if isinstance(mine, (list, tuple, Value)):
            values = [mine] if isinstance(mine, Value) else list(mine)
            term: Any = sum((v * float(c) for v, c in zip(values, w.ravel())), Value(0.0))
        else:
            term = (mine * Tensor(w.reshape(a.shape).astype(a.dtype))).sum()
        ours_loss = term if ours_loss is None else ours_loss + term
        their_term = (yours * _tensor(w.astype(b.dtype), torch)).sum()
        their_loss = their_term if their_loss is None else their_loss + their_term
    if their_loss is None:
        return
    ours_loss.backward()
    their_loss.backward()
    their_state = theirs.state_dict(keep_vars=True)
    ours_slots = {s.key: s for s in _slots(ours)}
    for key, param in their_state.items():
        if not isinstance(param, torch.nn.Parameter):
            continue
        b = np.zeros(tuple(param.shape)) if param.grad is None else _as_array(param.grad)
        slot = ours_slots.get(key)
        gap = float("inf") if slot is None or slot.shape != b.shape else _differ(slot.grad(), b)
        if gap is not None:
            raise ValueError(
                f"{what}: on example_input the gradients of {key} differ (relative "
                f"difference {gap:.3g}); {advice}"
            )
