"""``Module``: the base of every layer and network, for Tensor and Value parameters alike.

Assigning a ``Parameter`` (array) or ``ScalarParameter`` (number) to a module attribute
registers it; assigning a ``Module`` registers a sub-module; ``register_buffer`` registers
a Tensor that is state but not trained (BatchNorm's running statistics), saved in
``state_dict`` beside the parameters. As in PyTorch, a registered
parameter's attribute then takes only a parameter (which replaces it in place) or None
(which empties it): a plain Tensor there is an error, since it would silently stop
training. Calling a module runs its ``forward`` inside ``autograd_core.scope(name)``, so
every node it creates carries the module's path (a visualiser can draw one box per layer
without knowing what a layer is).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Generic, NamedTuple, TypeVar, Union, overload

import numpy as np

from autograd_core import Tensor, Value, on_data
from autograd_core.context import ScopeName, call_in_scope

__all__ = [
    "Parameter",
    "ScalarParameter",
    "ParameterLike",
    "Module",
    "ModuleList",
    "ParameterList",
    "Sequential",
    "LoadResult",
    "zero_grads",
]


class Parameter(Tensor):
    """A trainable array: a leaf ``Tensor`` with ``requires_grad=True`` that modules register."""

    __slots__ = ()

    def __init__(self, data: Any, label: str | None = None, dtype: Any = None) -> None:
        if isinstance(data, Tensor):
            data = data.data
        super().__init__(data, requires_grad=True, label=label, dtype=dtype)
        if self.data.dtype.kind != "f":
            raise TypeError(f"Parameter needs floating-point data, got dtype {self.data.dtype}")

    def __repr__(self) -> str:
        return "Parameter" + super().__repr__()[len("Tensor") :]


class ScalarParameter(Value):
    """A trainable number: a leaf ``Value`` that modules register (scalar networks)."""

    __slots__ = ()

    def __init__(self, data: float, label: str | None = None) -> None:
        super().__init__(data, label=label)

    def __repr__(self) -> str:
        return "ScalarParameter" + super().__repr__()[len("Value") :]


ParameterLike = Union[Parameter, ScalarParameter]
M = TypeVar("M", bound="Module")
P = TypeVar("P", Parameter, ScalarParameter)


class LoadResult(NamedTuple):
    """Keys that ``load_state_dict(strict=False)`` skipped."""

    missing_keys: list[str]
    unexpected_keys: list[str]


def _check_name(name: object, what: str) -> str:
    if not isinstance(name, str) or not name or "." in name:
        raise ValueError(f"{what} name must be a non-empty string without '.', got {name!r}")
    return name


def _param_shape(p: Tensor | Value) -> tuple[int, ...]:
    return p.data.shape if isinstance(p, Tensor) else ()


def zero_grads(params: Iterable[Tensor | Value], set_to_none: bool = True) -> None:
    """Each parameter's gradient set to None, or to zero (a fresh zero array of the
    parameter's shape for a Tensor that has one, 0.0 for a Value). A Value's None gradient
    reads as 0.0 at the next backward, as a Tensor's does."""
    for p in params:
        if set_to_none:
            p.grad = None
        elif isinstance(p, Tensor):
            # A fresh array: the old one may be shared with another node's gradient.
            p.grad = None if p.grad is None else np.zeros_like(p.data)
        else:
            p.grad = 0.0


class Module:
    """Base class of layers and networks: subclass it, assign parameters and sub-modules in
    ``__init__``, and write ``forward``. Calling the module calls ``forward``.
    """

    _parameters: dict[str, ParameterLike | None]  # None: emptied by ``module.name = None``
    _modules: dict[str, Module]
    _buffers: dict[str, Tensor | None]  # None: registered but empty (PyTorch allows it)
    _non_persistent: set[str]  # buffers left out of state_dict
    training: bool
    _scope_name: str
    _scope: ScopeName | None = None  # the name with scope_title(), made at the first call
    # True for containers that are never called (ParameterList): their parameters are
    # placed in the scope of the module that calls them.
    _holds_only = False

    def __new__(cls: type[M], *args: Any, **kwargs: Any) -> M:
        # Set up the registries here, so a subclass that forgets super().__init__() works.
        self = super().__new__(cls)
        state = self.__dict__
        state["_parameters"] = {}
        state["_modules"] = {}
        state["_buffers"] = {}
        state["_non_persistent"] = set()
        state["training"] = True
        state["_scope_name"] = cls.__name__
        return self

    def __init__(self) -> None:
        pass

    # ------------------------------------------------------------------ registration
    def __setattr__(self, name: str, value: Any) -> None:
        params, modules, buffers = self._parameters, self._modules, self._buffers
        if isinstance(value, (Parameter, ScalarParameter)):
            modules.pop(name, None)
            buffers.pop(name, None)
            # Assigned in place: a parameter put back (``w -= step`` returns w) or replaced
            # keeps its position in named_parameters, state_dict and optimisers.
            params[name] = value
            if value.label is None:
                value.label = name  # so drawings name weights "weight", "bias", ...
        elif name in params:
            if value is not None:
                raise TypeError(self._not_a_parameter(name, value))
            params[name] = None  # as in PyTorch: the slot stays a parameter slot, now empty
        elif name in buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"{type(self).__name__}.{name} is a registered buffer: assign a Tensor or "
                    f"None, not {type(value).__name__} (del module.{name} first to keep "
                    "something else under that name)"
                )
            buffers[name] = value
        else:
            if isinstance(value, Module):
                if value is self:
                    raise ValueError(f"{type(self).__name__}: a module cannot contain itself")
                modules[name] = value  # in place, as for parameters
                value._adopt(name)
            else:
                modules.pop(name, None)
        object.__setattr__(self, name, value)

    def _not_a_parameter(self, name: str, value: Any) -> str:
        """Why ``value`` cannot go into parameter slot ``name``, and what to write instead."""
        current = self._parameters[name]
        kind = "plain Tensor" if type(value) is Tensor else type(value).__name__
        shown = f"{'an' if kind[0] in 'aeiouAEIOU' else 'a'} {kind}"
        head = f"{type(self).__name__}.{name} is a registered parameter; assigning {shown} to it"
        keep_other = f"To keep something else under that name, del module.{name} first"
        if current is None:  # emptied with None: nothing to update in place
            return (
                f"{head} would leave it out of training. Write module.{name} = "
                f"nn.Parameter(...) (or nn.ScalarParameter(...)) to fill it. {keep_other}"
            )
        scalar = isinstance(current, ScalarParameter)
        wrapper = "nn.ScalarParameter" if scalar else "nn.Parameter"
        in_place = f"module.{name}.data = x" if scalar else f"module.{name}.data[...] = x"
        return (
            f"{head} would silently stop training it (optimisers and state_dict would lose it). "
            f"Write module.{name} = {wrapper}(...) to replace it, or update it in place under "
            f"no_grad(): module.{name} -= step, or {in_place}. {keep_other}"
        )

    def __delattr__(self, name: str) -> None:
        self._parameters.pop(name, None)
        self._modules.pop(name, None)
        self._buffers.pop(name, None)
        self._non_persistent.discard(name)
        object.__delattr__(self, name)

    def add_module(self, name: str, module: Module) -> None:
        """Register ``module`` under ``name`` (for names chosen at run time)."""
        if not isinstance(module, Module):
            raise TypeError(f"add_module: expected a Module, got {type(module).__name__}")
        setattr(self, _check_name(name, "module"), module)

    def register_parameter(self, name: str, param: ParameterLike) -> None:
        """Register ``param`` under ``name`` (for names chosen at run time)."""
        if not isinstance(param, (Parameter, ScalarParameter)):
            raise TypeError(
                "register_parameter: expected a Parameter or ScalarParameter, got "
                f"{type(param).__name__}; wrap it: Parameter(array) or ScalarParameter(x)"
            )
        setattr(self, _check_name(name, "parameter"), param)

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Register ``tensor`` as state that is not trained (running statistics): an
        attribute, listed by ``buffers()``, saved by ``state_dict()`` unless not
        ``persistent``, and never given to optimisers."""
        _check_name(name, "buffer")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"register_buffer: expected a Tensor or None, got {type(tensor).__name__}; "
                "wrap arrays: Tensor(array)"
            )
        if isinstance(tensor, Parameter):
            raise TypeError(
                f"register_buffer: {name!r} is a Parameter (trained); use register_parameter"
            )
        if name in self.__dict__ and name not in self._buffers:
            raise KeyError(f"register_buffer: attribute {name!r} already exists")
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent.discard(name)
        else:
            self._non_persistent.add(name)
        object.__setattr__(self, name, tensor)

    def _adopt(self, name: str) -> None:
        """Called when a parent registers this module under ``name``: that is its scope name."""
        self.__dict__["_scope_name"] = name
        self.__dict__["_scope"] = None

    @property
    def scope_name(self) -> str:
        """The name this module's calls open as a scope: its attribute name in its parent,
        or its class name for a root module (assign to choose another)."""
        return self._scope_name

    @scope_name.setter
    def scope_name(self, name: str) -> None:
        if not isinstance(name, str) or not name:
            raise ValueError(f"scope_name must be a non-empty string, got {name!r}")
        self._adopt(name)

    def scope_title(self) -> str:
        """What drawings say this module is, beside its scope name: its type, and its shape
        where it has one (``Linear(2→3)``); subclasses with a shape override it."""
        return type(self).__name__

    # ------------------------------------------------------------------ calling
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # Parameters keep the scope they were created in (none): viz draws a parameter in
        # the box of the layer that uses it, so calls never write to shared parameters.
        return call_in_scope(self._scope or self._titled_scope(), self.forward, *args, **kwargs)

    def _titled_scope(self) -> ScopeName:
        # Made once (a call per training step must stay cheap) and again after a rename.
        scope = ScopeName(self._scope_name, self.scope_title())
        self.__dict__["_scope"] = scope
        return scope

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The computation; subclasses define it."""
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    # ------------------------------------------------------------------ traversal
    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """This module and every sub-module (each once), with dotted names, parents first."""
        seen: set[int] = set()
        stack: list[tuple[str, Module]] = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield name, module
            children = [
                (f"{name}.{child_name}" if name else child_name, child)
                for child_name, child in module._modules.items()
            ]
            stack.extend(reversed(children))

    def modules(self) -> Iterator[Module]:
        """This module and every sub-module, parents first."""
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """The direct sub-modules with their names."""
        yield from self._modules.items()

    def children(self) -> Iterator[Module]:
        """The direct sub-modules."""
        yield from self._modules.values()

    def named_parameters(self, prefix: str = "") -> list[tuple[str, ParameterLike]]:
        """Every parameter with its dotted name (``"0.weight"``); a shared one is listed once."""
        seen: set[int] = set()
        result: list[tuple[str, ParameterLike]] = []
        for module_name, module in self.named_modules(prefix):
            for name, p in module._parameters.items():
                if p is not None and id(p) not in seen:
                    seen.add(id(p))
                    result.append((f"{module_name}.{name}" if module_name else name, p))
        return result

    def parameters(self) -> list[ParameterLike]:
        """Every parameter (Tensors and/or Values), each once, in registration order."""
        return [p for _, p in self.named_parameters()]

    def named_buffers(self, prefix: str = "") -> list[tuple[str, Tensor]]:
        """Every buffer (not None) with its dotted name (``"0.running_mean"``), each once."""
        return [(name, b) for name, b, _ in self._named_buffers(prefix)]

    def buffers(self) -> list[Tensor]:
        """Every buffer (not None), each once, in registration order."""
        return [b for _, b in self.named_buffers()]

    def _named_buffers(self, prefix: str = "") -> Iterator[tuple[str, Tensor, bool]]:
        seen: set[int] = set()
        for module_name, module in self.named_modules(prefix):
            for name, b in module._buffers.items():
                if b is not None and id(b) not in seen:
                    seen.add(id(b))
                    dotted = f"{module_name}.{name}" if module_name else name
                    yield dotted, b, name not in module._non_persistent

    def _named_state(self) -> list[tuple[str, Tensor | Value]]:
        """What ``state_dict`` holds: the parameters, then the persistent buffers."""
        state: list[tuple[str, Tensor | Value]] = list(self.named_parameters())
        state += [(name, b) for name, b, persistent in self._named_buffers() if persistent]
        return state

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget every parameter's gradient (``grad = None``, as PyTorch's default), or with
        ``set_to_none=False`` set it to zero (a zero array for a Tensor, 0.0 for a Value)."""
        zero_grads(self.parameters(), set_to_none)

    def train(self: M, mode: bool = True) -> M:
        """Set training mode on this module and all sub-modules; returns self."""
        for module in self.modules():
            object.__setattr__(module, "training", bool(mode))
        return self

    def eval(self: M) -> M:
        """Set evaluation mode (``train(False)``); returns self."""
        return self.train(False)

    def is_training(self) -> bool:
        """``self.training`` for a forward that depends on the mode (dropout, batch norm):
        read through ``on_data``, so a traced function's replay reads it again, and a
        switch between ``train()`` and ``eval()`` traces anew instead of replaying the
        other mode."""
        return bool(on_data(_training_of, self))

    # ------------------------------------------------------------------ state
    def state_dict(self) -> dict[str, np.ndarray]:
        """A copy of every parameter's and persistent buffer's data by dotted name (a
        Value's as a 0-d array)."""
        return {
            name: (p.data.copy() if isinstance(p, Tensor) else np.array(p.data, dtype=np.float64))
            for name, p in self._named_state()
        }

    def load_state_dict(self, state: dict[str, Any], strict: bool = True) -> LoadResult:
        """Copy ``state`` into the parameters and buffers. Everything is checked before
        anything changes: with ``strict`` a missing or unexpected key is an error; a wrong
        shape always is.
        """
        if not hasattr(state, "keys"):
            raise TypeError(
                f"load_state_dict: expected a dict of arrays, got {type(state).__name__}"
            )
        own = dict(self._named_state())
        missing = [k for k in own if k not in state]
        unexpected = [k for k in state if k not in own]
        problems: list[str] = []
        if strict and missing:
            problems.append(f"missing keys: {', '.join(missing)}")
        if strict and unexpected:
            problems.append(f"unexpected keys: {', '.join(map(str, unexpected))}")
        arrays: dict[str, np.ndarray] = {}
        for name, p in own.items():
            if name not in state:
                continue
            raw = state[name]
            array = np.asarray(raw.data if isinstance(raw, (Tensor, Value)) else raw)
            expected = _param_shape(p)
            if array.dtype.kind not in "fiu":
                problems.append(f"{name}: expected numbers, got dtype {array.dtype}")
            elif array.shape != expected:
                problems.append(
                    f"{name}: shape {array.shape} in the state, {expected} in the module"
                )
            else:
                arrays[name] = array
        if problems:
            raise ValueError(
                f"load_state_dict into {type(self).__name__} failed; nothing was changed:\n  "
                + "\n  ".join(problems)
            )
        for name, array in arrays.items():
            p = own[name]
            if isinstance(p, Tensor):
                p.data[...] = array  # in place: optimisers and views keep the same array
            else:
                p.data = float(array)
        return LoadResult(missing, unexpected)

    def load_torch_state_dict(self, state: Mapping[str, Any], strict: bool = True) -> LoadResult:
        """Copy a PyTorch state dict (``torch_module.state_dict()``) into this model, whose
        layers must match; checked first, so an error changes nothing
        (``nn.load_torch_state_dict``)."""
        from .torch_interop import load_torch_state_dict  # here: torch_interop imports us

        return load_torch_state_dict(self, state, strict)

    # ------------------------------------------------------------------ printing
    def extra_repr(self) -> str:
        """The text inside this module's parentheses in ``repr``; subclasses describe themselves."""
        return ""

    def __repr__(self) -> str:
        head = f"{type(self).__name__}({self.extra_repr()}"
        # Parameter holders are described by their owner (a neuron's "w" is its weights).
        children = [
            (name, repr(child)) for name, child in self._modules.items() if not child._holds_only
        ]
        if not children:
            return head + ")"
        lines = [head]
        for names, text in _group_repeats(children):
            label = names[0] if len(names) == 1 else f"{names[0]}-{names[-1]}"
            body = text if len(names) == 1 else f"{len(names)} x {text}"
            lines.append(f"  ({label}): " + body.replace("\n", "\n  "))
        return "\n".join(lines) + "\n)"


def _group_repeats(children: list[tuple[str, str]]) -> list[tuple[list[str], str]]:
    """Runs of identical sub-module texts, so a 64-neuron layer prints as one line."""
    groups: list[tuple[list[str], str]] = []
    for name, text in children:
        if groups and groups[-1][1] == text and name.isdigit():
            groups[-1][0].append(name)
        else:
            groups.append(([name], text))
    return groups


class ModuleList(Module, Generic[M]):
    """A list of sub-modules named ``"0"``, ``"1"``, ...; not callable itself."""

    def __init__(self, modules: Iterable[M] = ()) -> None:
        super().__init__()
        self._items: list[M] = []
        for module in modules:
            self.append(module)

    def append(self, module: M) -> None:
        """Add ``module`` at the end."""
        self.add_module(str(len(self._items)), module)
        module._adopt(f"{self._scope_name}.{len(self._items)}")
        self._items.append(module)

    def _adopt(self, name: str) -> None:
        # Its members are called by the owner, not by the list, so their scope names carry
        # the list's name: ("MLP", "layers.0") matches the parameter name "layers.0.w".
        super()._adopt(name)
        for i, module in enumerate(self._items):
            module._adopt(f"{name}.{i}")

    @overload
    def __getitem__(self, index: int) -> M: ...
    @overload
    def __getitem__(self, index: slice) -> list[M]: ...
    def __getitem__(self, index: int | slice) -> M | list[M]:
        return self._items[index]

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[M]:
        return iter(self._items)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(
            "ModuleList is a container, not a layer; call its members (or use Sequential)"
        )


class ParameterList(Module, Generic[P]):
    """A list of parameters named ``"0"``, ``"1"``, ... (a scalar neuron's weights)."""

    _holds_only = True

    def __init__(self, params: Iterable[P] = ()) -> None:
        super().__init__()
        self._items: list[P] = []
        for p in params:
            self.append(p)

    def append(self, param: P) -> None:
        """Add ``param`` at the end."""
        self.register_parameter(str(len(self._items)), param)
        self._items.append(param)

    @overload
    def __getitem__(self, index: int) -> P: ...
    @overload
    def __getitem__(self, index: slice) -> list[P]: ...
    def __getitem__(self, index: int | slice) -> P | list[P]:
        return self._items[index]

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[P]:
        return iter(self._items)

    def extra_repr(self) -> str:
        return f"{len(self._items)} parameters"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("ParameterList holds parameters; it cannot be called")


class Sequential(Module):
    """Modules applied one after another; sub-modules are named ``"0"``, ``"1"``, ..."""

    def __init__(self, *modules: Module) -> None:
        super().__init__()
        self._items: list[Module] = []
        for module in modules:
            self.append(module)

    def append(self, module: Module) -> Sequential:
        """Add ``module`` at the end; returns self."""
        self.add_module(str(len(self._items)), module)
        self._items.append(module)
        return self

    def forward(self, x: Any) -> Any:
        """Feed ``x`` through every module in order."""
        for module in self._items:
            x = module(x)
        return x

    def __getitem__(self, index: int) -> Module:
        # No slicing: a module has one scope name, given by the Sequential that holds it.
        return self._items[index]

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._items)


def _training_of(module: Module) -> bool:
    return module.training
