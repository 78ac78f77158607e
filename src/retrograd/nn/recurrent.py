"""Recurrent layers: ``RNN``, ``LSTM``, ``GRU`` and the single-step ``RNNCell``, ``LSTMCell``,
``GRUCell``, with PyTorch's signatures, parameter names and gate order (so a
``torch.nn.LSTM`` state dict loads 1:1).

Every layer does the same two things per layer and direction:

1. the input projection ``x_t W_ih^T + b_ih`` for *all* time steps as one GEMM
   (:class:`~retrograd.ops.linear.Linear` on the ``(T*N, I)`` matrix), then
2. the recurrence as one fused graph node (:mod:`retrograd.ops.recurrent`),
   whose backward is backpropagation through time.

The equations live next to their code in :mod:`retrograd.ops.recurrent`; see
``docs/recurrent.md`` for the derivation of the backward pass.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from retrograd import functional as F
from retrograd.backend import get_default_dtype
from retrograd.nn import init
from retrograd.nn.functional import dropout as _dropout
from retrograd.nn.module import Module
from retrograd.nn.parameter import Parameter
from retrograd.ops.recurrent import GRUSequence, LSTMSequence, RNNSequence
from retrograd.tensor import Tensor

#: gates per cell type: the weights stack this many (H, .) blocks
_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _as_input(x: Any, like: Parameter, layer: str) -> Tensor:
    if not isinstance(x, Tensor):
        x = Tensor(x, dtype=like.dtype)
    if x.dtype != like.dtype:
        raise TypeError(
            f"{layer}: input dtype {x.dtype} differs from the weights' {like.dtype}; "
            "cast with .astype() or model.astype()"
        )
    return x


def _zeros(shape: tuple[int, ...], dtype: Any) -> Tensor:
    return Tensor._make(np.zeros(shape, dtype=dtype), None, False)


def _run_recurrence(
    mode: str,
    x: Tensor,
    h0: Tensor,
    c0: Tensor | None,
    weights: tuple[Parameter, ...],
    reverse: bool,
) -> tuple[Tensor, Tensor, Tensor | None]:
    """One direction of one layer, as one graph node.

    ``x`` is time-major ``(T, N, I)``; ``weights`` = (w_ih, w_hh[, b_ih, b_hh]).
    Returns (every h_t ``(T, N, H)``, final h, final c or None).
    """
    T = x.shape[0]
    last = 0 if reverse else T - 1
    if mode == "LSTM":
        packed = LSTMSequence.apply(x, h0, c0, *weights, reverse=reverse)
        hs = packed[:T]
        return hs, hs[last], packed[T]
    if mode == "GRU":
        hs = GRUSequence.apply(x, h0, *weights, reverse=reverse)
    else:
        act = "relu" if mode == "RNN_RELU" else "tanh"
        hs = RNNSequence.apply(x, h0, *weights, nonlinearity=act, reverse=reverse)
    return hs, hs[last], None


class _RNNBase(Module):
    """Shared machinery of ``RNN``, ``LSTM`` and ``GRU`` (multi-layer, bidirectional)."""

    mode = "RNN_TANH"

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        rng: np.random.Generator | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        name = type(self).__name__
        if input_size < 1 or hidden_size < 1 or num_layers < 1:
            raise ValueError(
                f"{name}: input_size, hidden_size and num_layers must be positive, got "
                f"{input_size}, {hidden_size}, {num_layers}"
            )
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"{name}: dropout must be in [0, 1), got {dropout}")
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, float(dropout)
        self.bidirectional = bidirectional
        self.rng = rng  # None: dropout draws from nn.init's shared generator (manual_seed)
        dt = dtype or get_default_dtype()
        gates = _GATES[self.mode] * hidden_size
        directions = 2 if bidirectional else 1
        # Created in PyTorch's order so named_parameters()/state_dict() line up with torch.
        for layer in range(num_layers):
            layer_in = input_size if layer == 0 else hidden_size * directions
            for suffix in ("", "_reverse")[:directions]:
                sfx = f"_l{layer}{suffix}"
                setattr(self, "weight_ih" + sfx, Parameter(np.zeros((gates, layer_in)), dtype=dt))
                setattr(
                    self, "weight_hh" + sfx, Parameter(np.zeros((gates, hidden_size)), dtype=dt)
                )
                if bias:
                    setattr(self, "bias_ih" + sfx, Parameter(np.zeros(gates), dtype=dt))
                    setattr(self, "bias_hh" + sfx, Parameter(np.zeros(gates), dtype=dt))
        self.reset_parameters(rng)

    def reset_parameters(self, rng: np.random.Generator | None = None) -> None:
        """PyTorch's scheme: every weight and bias from U(-1/sqrt(H), 1/sqrt(H))."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            init.uniform_(p, -bound, bound, rng)

    def _weights(self, layer: int, suffix: str) -> tuple[Parameter, ...]:
        names = ("weight_ih", "weight_hh") + (("bias_ih", "bias_hh") if self.bias else ())
        return tuple(getattr(self, f"{n}_l{layer}{suffix}") for n in names)

    @property
    def num_directions(self) -> int:
        return 2 if self.bidirectional else 1

    def get_config(self) -> dict[str, Any]:
        """Constructor arguments (JSON-safe); ``type(self)(**config)`` rebuilds the layer."""
        return {
            "input_size": self.input_size,
            "hidden_size": self.hidden_size,
            "num_layers": self.num_layers,
            "bias": self.bias,
            "batch_first": self.batch_first,
            "dropout": self.dropout,
            "bidirectional": self.bidirectional,
        }

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if not self.bias:
            s += ", bias=False"
        if self.batch_first:
            s += ", batch_first=True"
        if self.dropout:
            s += f", dropout={self.dropout}"
        if self.bidirectional:
            s += ", bidirectional=True"
        return s

    # -- forward -------------------------------------------------------------------------
    def _expected(self) -> str:
        order = "(batch, seq_len, " if self.batch_first else "(seq_len, batch, "
        return f"{order}{self.input_size}) or unbatched (seq_len, {self.input_size})"

    def _check_state(self, h: Any, batch: int, unbatched: bool, what: str) -> Tensor:
        name = type(self).__name__
        h = _as_input(h, self.weight_hh_l0, name)
        layers = self.num_layers * self.num_directions
        want = (layers, self.hidden_size) if unbatched else (layers, batch, self.hidden_size)
        if h.shape != want:
            raise ValueError(
                f"{name}: initial {what} of shape {h.shape} does not fit; expected {want} "
                "(num_layers * num_directions, batch, hidden_size)"
            )
        return h.unsqueeze(1) if unbatched else h

    def _forward(self, x: Any, hx: Any) -> tuple[Tensor, Tensor, Tensor | None]:
        name = type(self).__name__
        x = _as_input(x, self.weight_ih_l0, name)
        if x.ndim not in (2, 3) or x.shape[-1] != self.input_size:
            raise ValueError(
                f"{name}(input_size={self.input_size}, hidden_size={self.hidden_size}): input "
                f"of shape {x.shape} does not fit; expected {self._expected()}"
            )
        unbatched = x.ndim == 2
        if unbatched:
            x = x.unsqueeze(1)  # (T, 1, I)
        elif self.batch_first:
            x = x.swapaxes(0, 1)  # -> time-major (T, N, I)
        T, N, _ = x.shape
        dt, H = self.weight_ih_l0.dtype, self.hidden_size
        lstm = self.mode == "LSTM"
        h0 = c0 = None
        if hx is not None:
            if lstm:
                if not (isinstance(hx, (tuple, list)) and len(hx) == 2):
                    raise ValueError(f"{name}: hx must be a tuple (h_0, c_0)")
                h0 = self._check_state(hx[0], N, unbatched, "hidden state h_0")
                c0 = self._check_state(hx[1], N, unbatched, "cell state c_0")
            else:
                h0 = self._check_state(hx, N, unbatched, "hidden state h_0")
        h_n, c_n = [], []
        layer_in = x
        for layer in range(self.num_layers):
            outs = []
            for d, suffix in enumerate(("", "_reverse")[: self.num_directions]):
                k = layer * self.num_directions + d
                h_init = h0[k] if h0 is not None else _zeros((N, H), dt)
                c_init = (c0[k] if c0 is not None else _zeros((N, H), dt)) if lstm else None
                hs, h_last, c_last = _run_recurrence(
                    self.mode, layer_in, h_init, c_init, self._weights(layer, suffix), d == 1
                )
                outs.append(hs)
                h_n.append(h_last)
                if lstm:
                    c_n.append(c_last)
            layer_in = outs[0] if len(outs) == 1 else F.concatenate(outs, axis=2)
            if self.dropout and self.training and layer < self.num_layers - 1:
                layer_in = _dropout(layer_in, self.dropout, True, self.rng)
        out = layer_in
        h_stack = F.stack(h_n, axis=0)
        c_stack = F.stack(c_n, axis=0) if lstm else None
        if unbatched:
            out = out.squeeze(1)
            h_stack = h_stack.squeeze(1)
            c_stack = c_stack.squeeze(1) if c_stack is not None else None
        elif self.batch_first:
            out = out.swapaxes(0, 1)
        return out, h_stack, c_stack


class RNN(_RNNBase):
    """Elman recurrent layer: h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh).

    Parameters
    ----------
    input_size, hidden_size : int
        Features per time step in the input and in the hidden state.
    num_layers : int
        Stacked layers; layer k > 0 reads the outputs of layer k - 1.
    nonlinearity : {"tanh", "relu"}
        The activation ``act``.
    bias : bool
        Learn ``b_ih`` and ``b_hh``.
    batch_first : bool
        Input and output are ``(batch, seq, feature)`` instead of ``(seq, batch, feature)``.
    dropout : float
        Dropout on the outputs of every layer but the last (training mode only).
    bidirectional : bool
        Also run each layer from the last step to the first; outputs are concatenated.
    rng : numpy.random.Generator, optional
        For the initial weights (U(-1/sqrt(H), 1/sqrt(H))) and dropout. Default: the shared
        generator of ``nn.init`` (seeded by ``nn.init.manual_seed``, saved in checkpoints).
    dtype : optional
        Parameter dtype (float32 by default).

    Shape
    -----
    input ``(T, N, I)`` (``(N, T, I)`` with ``batch_first``, or unbatched ``(T, I)``),
    h_0 ``(L*D, N, H)`` (D = 2 if bidirectional) -> output ``(T, N, D*H)``, h_n ``(L*D, N, H)``.
    Parameters ``weight_ih_l{k}`` ``(H, I)``, ``weight_hh_l{k}`` ``(H, H)``,
    ``bias_ih_l{k}``, ``bias_hh_l{k}`` ``(H,)``, and ``..._reverse`` for the backward direction.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> rnn = rg.nn.RNN(3, 5, num_layers=2, rng=np.random.default_rng(0))
    >>> out, h_n = rnn(rg.tensor(np.zeros((7, 4, 3))))
    >>> out.shape, h_n.shape
    ((7, 4, 5), (2, 4, 5))
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        nonlinearity: str = "tanh",
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        rng: np.random.Generator | None = None,
        dtype: Any = None,
    ) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNN: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        self.mode = "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"
        self.nonlinearity = nonlinearity
        super().__init__(
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            rng,
            dtype,
        )

    def forward(self, input: Any, hx: Any = None) -> tuple[Tensor, Tensor]:  # noqa: A002
        out, h_n, _ = self._forward(input, hx)
        return out, h_n

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "nonlinearity": self.nonlinearity}

    def extra_repr(self) -> str:
        extra = "" if self.nonlinearity == "tanh" else ", nonlinearity='relu'"
        return super().extra_repr() + extra


class LSTM(_RNNBase):
    """Long short-term memory (Hochreiter & Schmidhuber 1997), PyTorch's formulation::

        i = sigmoid(x W_ii^T + b_ii + h W_hi^T + b_hi)     input gate
        f = sigmoid(x W_if^T + b_if + h W_hf^T + b_hf)     forget gate
        g = tanh(x W_ig^T + b_ig + h W_hg^T + b_hg)        candidate
        o = sigmoid(x W_io^T + b_io + h W_ho^T + b_ho)     output gate
        c' = f * c + i * g          h' = o * tanh(c')

    The four gate weights are stacked in the order i, f, g, o. Parameters as
    for :class:`RNN` (no ``nonlinearity``); forward takes and returns ``(h, c)``.

    Shape
    -----
    input ``(T, N, I)`` (``(N, T, I)`` with ``batch_first``, or ``(T, I)``),
    ``(h_0, c_0)`` each ``(L*D, N, H)`` -> output ``(T, N, D*H)``, ``(h_n, c_n)``
    each ``(L*D, N, H)``. ``weight_ih_l{k}`` ``(4H, I)``, ``weight_hh_l{k}`` ``(4H, H)``.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> lstm = rg.nn.LSTM(3, 5, batch_first=True, rng=np.random.default_rng(0))
    >>> out, (h_n, c_n) = lstm(rg.tensor(np.zeros((4, 7, 3))))
    >>> out.shape, h_n.shape, c_n.shape
    ((4, 7, 5), (1, 4, 5), (1, 4, 5))
    """

    mode = "LSTM"

    def forward(self, input: Any, hx: Any = None) -> tuple[Tensor, tuple[Tensor, Tensor]]:  # noqa: A002
        out, h_n, c_n = self._forward(input, hx)
        return out, (h_n, c_n)


class GRU(_RNNBase):
    """Gated recurrent unit (Cho et al. 2014), PyTorch's formulation::

        r = sigmoid(x W_ir^T + b_ir + h W_hr^T + b_hr)     reset gate
        z = sigmoid(x W_iz^T + b_iz + h W_hz^T + b_hz)     update gate
        n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn))  candidate
        h' = (1 - z) * n + z * h

    Gate weights stacked in the order r, z, n. Parameters as for :class:`RNN`.

    Shape
    -----
    As :class:`RNN`, with ``weight_ih_l{k}`` ``(3H, I)`` and ``weight_hh_l{k}`` ``(3H, H)``.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> gru = rg.nn.GRU(3, 5, bidirectional=True, rng=np.random.default_rng(0))
    >>> out, h_n = gru(rg.tensor(np.zeros((7, 4, 3))))
    >>> out.shape, h_n.shape
    ((7, 4, 10), (2, 4, 5))
    """

    mode = "GRU"

    def forward(self, input: Any, hx: Any = None) -> tuple[Tensor, Tensor]:  # noqa: A002
        out, h_n, _ = self._forward(input, hx)
        return out, h_n


# -- single-step cells ------------------------------------------------------------------
class _CellBase(Module):
    mode = "RNN_TANH"

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        rng: np.random.Generator | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        if input_size < 1 or hidden_size < 1:
            raise ValueError(
                f"{type(self).__name__}: input_size and hidden_size must be positive, got "
                f"{input_size}, {hidden_size}"
            )
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        dt = dtype or get_default_dtype()
        gates = _GATES[self.mode] * hidden_size
        self.weight_ih = Parameter(np.zeros((gates, input_size)), dtype=dt)
        self.weight_hh = Parameter(np.zeros((gates, hidden_size)), dtype=dt)
        self.bias_ih = Parameter(np.zeros(gates), dtype=dt) if bias else None
        self.bias_hh = Parameter(np.zeros(gates), dtype=dt) if bias else None
        self.reset_parameters(rng)

    def reset_parameters(self, rng: np.random.Generator | None = None) -> None:
        """Every weight and bias from U(-1/sqrt(H), 1/sqrt(H)), as PyTorch."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            init.uniform_(p, -bound, bound, rng)

    def get_config(self) -> dict[str, Any]:
        """Constructor arguments (JSON-safe); ``type(self)(**config)`` rebuilds the cell."""
        return {"input_size": self.input_size, "hidden_size": self.hidden_size, "bias": self.bias}

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}" + ("" if self.bias else ", bias=False")

    def _state(self, h: Any, batch: int, unbatched: bool, what: str) -> Tensor:
        name = type(self).__name__
        if h is None:
            return _zeros((batch, self.hidden_size), self.weight_hh.dtype)
        h = _as_input(h, self.weight_hh, name)
        want = (self.hidden_size,) if unbatched else (batch, self.hidden_size)
        if h.shape != want:
            raise ValueError(f"{name}: {what} of shape {h.shape} does not fit; expected {want}")
        return h.reshape(1, -1) if unbatched else h

    def _step(self, x: Any, h: Any, c: Any = None) -> tuple[Tensor, Tensor | None, bool]:
        name = type(self).__name__
        x = _as_input(x, self.weight_ih, name)
        if x.ndim not in (1, 2) or x.shape[-1] != self.input_size:
            raise ValueError(
                f"{name}(input_size={self.input_size}, hidden_size={self.hidden_size}): input of "
                f"shape {x.shape} does not fit; expected (batch, {self.input_size}) or "
                f"({self.input_size},)"
            )
        unbatched = x.ndim == 1
        if unbatched:
            x = x.reshape(1, -1)
        N = x.shape[0]
        h0 = self._state(h, N, unbatched, "hidden state")
        c0 = self._state(c, N, unbatched, "cell state") if self.mode == "LSTM" else None
        weights = (self.weight_ih, self.weight_hh)
        if self.bias_ih is not None:
            weights += (self.bias_ih, self.bias_hh)
        _, h1, c1 = _run_recurrence(self.mode, x.reshape(1, N, -1), h0, c0, weights, False)
        if unbatched:
            h1 = h1.reshape(-1)
            c1 = c1.reshape(-1) if c1 is not None else None
        return h1, c1, unbatched


class RNNCell(_CellBase):
    """One step of an Elman RNN: h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh).

    Parameters
    ----------
    input_size, hidden_size : int
        Feature sizes of x and h.
    bias : bool
        Learn ``bias_ih`` and ``bias_hh``.
    nonlinearity : {"tanh", "relu"}
        The activation.
    rng, dtype : optional
        Initial-weight generator and parameter dtype.

    Shape
    -----
    input ``(N, I)`` or ``(I,)``, hidden ``(N, H)`` or ``(H,)`` (zeros when omitted) -> ``(N, H)``.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> cell = rg.nn.RNNCell(3, 4, rng=np.random.default_rng(0))
    >>> h = None
    >>> for x_t in np.zeros((5, 2, 3)):      # a loop over time steps
    ...     h = cell(rg.tensor(x_t), h)
    >>> h.shape
    (2, 4)
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        nonlinearity: str = "tanh",
        rng: np.random.Generator | None = None,
        dtype: Any = None,
    ) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(
                f"RNNCell: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}"
            )
        self.mode = "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"
        self.nonlinearity = nonlinearity
        super().__init__(input_size, hidden_size, bias, rng, dtype)

    def forward(self, input: Any, hx: Any = None) -> Tensor:  # noqa: A002
        h, _, _ = self._step(input, hx)
        return h

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "nonlinearity": self.nonlinearity}


class LSTMCell(_CellBase):
    """One LSTM step (equations and gate order i, f, g, o as :class:`LSTM`).

    Shape
    -----
    input ``(N, I)`` or ``(I,)``, ``hx = (h, c)`` each ``(N, H)`` (zeros when omitted)
    -> ``(h', c')`` each ``(N, H)``; ``weight_ih`` ``(4H, I)``, ``weight_hh`` ``(4H, H)``.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> cell = rg.nn.LSTMCell(3, 4, rng=np.random.default_rng(0))
    >>> h, c = cell(rg.tensor(np.zeros((2, 3))))
    >>> h.shape, c.shape
    ((2, 4), (2, 4))
    """

    mode = "LSTM"

    def forward(self, input: Any, hx: Any = None) -> tuple[Tensor, Tensor]:  # noqa: A002
        h, c = (None, None) if hx is None else hx
        h1, c1, _ = self._step(input, h, c)
        return h1, c1


class GRUCell(_CellBase):
    """One GRU step (equations and gate order r, z, n as :class:`GRU`).

    Shape
    -----
    input ``(N, I)`` or ``(I,)``, hidden ``(N, H)`` (zeros when omitted) -> ``(N, H)``;
    ``weight_ih`` ``(3H, I)``, ``weight_hh`` ``(3H, H)``.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> cell = rg.nn.GRUCell(3, 4, rng=np.random.default_rng(0))
    >>> cell(rg.tensor(np.zeros((2, 3)))).shape
    (2, 4)
    """

    mode = "GRU"

    def forward(self, input: Any, hx: Any = None) -> Tensor:  # noqa: A002
        h, _, _ = self._step(input, hx)
        return h
