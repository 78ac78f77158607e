"""Neural-network building blocks: ``Module``, ``Parameter``, layers, losses, ``init``."""

from retrograd.nn import functional, init
from retrograd.nn.activation import (
    ACTIVATIONS,
    ELU,
    GELU,
    Identity,
    LeakyReLU,
    LogSoftmax,
    ReLU,
    Sigmoid,
    Softmax,
    Softplus,
    Tanh,
)
from retrograd.nn.container import ModuleDict, ModuleList, Sequential
from retrograd.nn.dropout import Dropout
from retrograd.nn.linear import Linear
from retrograd.nn.loss import (
    LOSSES,
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HalfSSELoss,
    HuberLoss,
    MSELoss,
    NLLLoss,
)
from retrograd.nn.module import Module, StateDictError
from retrograd.nn.parameter import Parameter

__all__ = [
    "functional", "init", "ACTIVATIONS", "ELU", "GELU", "Identity", "LeakyReLU", "LogSoftmax",
    "ReLU", "Sigmoid", "Softmax", "Softplus", "Tanh", "ModuleDict", "ModuleList", "Sequential",
    "Dropout", "Linear", "LOSSES", "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss",
    "HalfSSELoss", "HuberLoss", "MSELoss", "NLLLoss", "Module", "StateDictError", "Parameter",
]  # fmt: skip
