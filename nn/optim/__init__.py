"""Optimisers with PyTorch's names, defaults and updates, for Tensor and Value parameters
alike: ``SGD``, ``Adam``, ``AdamW``, ``RMSprop``, on the ``Optimizer`` base (parameter
groups, per-parameter state, ``zero_grad``, state dicts); learning-rate schedules in
``nn.optim.lr_scheduler``."""

from . import lr_scheduler
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "lr_scheduler"]
