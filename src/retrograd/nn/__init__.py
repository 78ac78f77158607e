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
from retrograd.nn.conv import Conv1d, Conv2d
from retrograd.nn.dropout import Dropout
from retrograd.nn.embedding import Embedding
from retrograd.nn.fixed_point import FixedPointLayer
from retrograd.nn.flatten import Flatten
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
from retrograd.nn.module import IncompatibleKeys, Module, RemovableHandle, StateDictError
from retrograd.nn.norm import BatchNorm1d, BatchNorm2d, GroupNorm, LayerNorm
from retrograd.nn.parameter import Parameter
from retrograd.nn.pool import (
    AdaptiveAvgPool2d,
    AvgPool1d,
    AvgPool2d,
    MaxPool1d,
    MaxPool2d,
)
from retrograd.nn.recurrent import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNCell
from retrograd.nn.truncated_bptt import detach_state, truncated_bptt

__all__ = [
    "functional", "init", "ACTIVATIONS", "ELU", "GELU", "Identity", "LeakyReLU", "LogSoftmax",
    "ReLU", "Sigmoid", "Softmax", "Softplus", "Tanh", "ModuleDict", "ModuleList", "Sequential",
    "Dropout", "Linear", "LOSSES", "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss",
    "HalfSSELoss", "HuberLoss", "MSELoss", "NLLLoss", "Module", "StateDictError", "Parameter",
    "IncompatibleKeys", "RemovableHandle",
    "FixedPointLayer", "GRU", "LSTM", "RNN", "GRUCell", "LSTMCell", "RNNCell", "detach_state",
    "truncated_bptt",
    "Conv1d", "Conv2d", "Embedding", "Flatten", "BatchNorm1d", "BatchNorm2d", "LayerNorm",
    "GroupNorm",
    "AdaptiveAvgPool2d", "AvgPool1d", "AvgPool2d", "MaxPool1d", "MaxPool2d",
]  # fmt: skip
