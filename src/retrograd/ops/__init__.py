"""Every differentiable op, each a :class:`~retrograd.function.Function` with its own
forward and derivative rule. One file per family; ``REGISTRY`` lists them all."""

from retrograd.function import REGISTRY, Function
from retrograd.ops.activation import (
    ELU,
    GELU,
    LeakyReLU,
    LogSoftmax,
    ReLU,
    Sigmoid,
    Softmax,
    Softplus,
    Tanh,
)
from retrograd.ops.arithmetic import Add, Div, MatMul, Mul, Neg, Pow, PowScalar, Sub
from retrograd.ops.conv import Conv1d, Conv2d
from retrograd.ops.elementwise import (
    Abs,
    Cast,
    Clip,
    Exp,
    Log,
    Log1p,
    Maximum,
    Minimum,
    Sqrt,
    Where,
)
from retrograd.ops.embedding import Embedding
from retrograd.ops.fixed_point import FixedPoint
from retrograd.ops.indexing import GetItem
from retrograd.ops.linear import Linear
from retrograd.ops.loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    MSELoss,
    NLLLoss,
)
from retrograd.ops.norm import BatchNorm, LayerNorm
from retrograd.ops.pool import AdaptiveAvgPool2d, AvgPool2d, MaxPool2d
from retrograd.ops.recurrent import GRUSequence, LSTMSequence, RNNSequence
from retrograd.ops.reduction import Max, Mean, Min, Sum, Var
from retrograd.ops.shape import BroadcastTo, Concatenate, Pad, Reshape, Stack, Transpose

__all__ = [
    "REGISTRY", "Function", "ELU", "GELU", "LeakyReLU", "LogSoftmax", "ReLU", "Sigmoid",
    "Softmax", "Softplus", "Tanh", "Add", "Div", "MatMul", "Mul", "Neg", "Pow", "PowScalar",
    "Sub", "Abs", "Cast", "Clip", "Exp", "Log", "Log1p", "Maximum", "Minimum", "Sqrt", "Where",
    "GetItem", "Linear", "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "HuberLoss",
    "MSELoss", "NLLLoss", "Max", "Mean", "Min", "Sum", "Var", "BroadcastTo", "Concatenate",
    "Pad", "Reshape", "Stack", "Transpose",
    "Conv1d", "Conv2d", "Embedding", "BatchNorm", "LayerNorm", "AdaptiveAvgPool2d",
    "AvgPool2d", "MaxPool2d",
    "FixedPoint", "GRUSequence", "LSTMSequence", "RNNSequence",
]  # fmt: skip
