"""Truncated backpropagation through time for long sequences.

Full BPTT through T steps keeps every step's activations until backward and
costs O(T) memory. Truncated BPTT cuts the sequence into chunks of ``k`` steps:
the hidden state is carried forward from chunk to chunk (so the network still
*sees* the whole past), but it is **detached** at each chunk boundary, so the
gradient flows back at most ``k`` steps and the graph never holds more than one
chunk. After each chunk: backward, optional gradient clipping, optimizer step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from retrograd.tensor import Tensor


def detach_state(state: Any) -> Any:
    """Cut a recurrent state (a Tensor, or a tuple/list of them like LSTM's ``(h, c)``) off
    the graph, keeping its values: gradients will not flow back past this point.

    Examples
    --------
    >>> import retrograd as rg
    >>> h = rg.tensor([1.0], requires_grad=True) * 2
    >>> detach_state((h, h))[0].requires_grad
    False
    """
    if state is None:
        return None
    if isinstance(state, Tensor):
        return state.detach()
    if isinstance(state, (tuple, list)):
        return type(state)(detach_state(s) for s in state)
    raise TypeError(f"detach_state: expected a Tensor or a tuple/list of them, got {type(state)}")


def time_chunks(
    x: Any, y: Any, k: int, batch_first: bool = False
) -> Iterator[tuple[np.ndarray, Any]]:
    """Split ``x`` (and ``y`` when it has a time axis too) into consecutive chunks of ``k``
    steps; the last chunk may be shorter.

    Shape
    -----
    x ``(T, N, ...)`` (``(N, T, ...)`` with ``batch_first``); y the same layout, or
    anything without a time axis (then every chunk gets ``y`` unchanged).
    """
    if k < 1:
        raise ValueError(f"truncated BPTT: chunk length k must be >= 1, got {k}")
    xs = x.data if isinstance(x, Tensor) else np.asarray(x)
    ys = y.data if isinstance(y, Tensor) else (None if y is None else np.asarray(y))
    axis = 1 if batch_first else 0
    T = xs.shape[axis]
    y_timed = ys is not None and ys.ndim > axis and ys.shape[axis] == T and ys.ndim >= 2
    for start in range(0, T, k):
        sl = [slice(None)] * xs.ndim
        sl[axis] = slice(start, start + k)
        x_chunk = xs[tuple(sl)]
        if y_timed:
            sly = [slice(None)] * ys.ndim
            sly[axis] = slice(start, start + k)
            yield x_chunk, ys[tuple(sly)]
        else:
            yield x_chunk, ys


def truncated_bptt(
    model: Callable[..., Any],
    x: Any,
    y: Any,
    loss_fn: Callable[[Tensor, Any], Tensor],
    optimizer: Any,
    k: int,
    *,
    state: Any = None,
    batch_first: bool = False,
    max_grad_norm: float | None = None,
) -> tuple[float, Any]:
    """Train on one (long) batch of sequences with truncated BPTT, ``k`` steps at a time.

    Parameters
    ----------
    model : callable
        ``model(x_chunk, state) -> (output, new_state)``, like ``nn.LSTM``/``nn.GRU``
        or a Module wrapping one with a readout.
    x, y : array_like
        Inputs and targets. ``y`` either has the time axis (per-step targets, chunked
        like ``x``) or not (e.g. one label per sequence, used for every chunk).
    loss_fn : callable
        ``loss_fn(output, y_chunk) -> scalar Tensor``.
    optimizer : retrograd.optim.Optimizer
        Stepped once per chunk.
    k : int
        Truncation length: gradients flow back at most ``k`` steps.
    state : optional
        Initial recurrent state (e.g. the one this function returned for the
        previous batch, for stateful training over a stream).
    batch_first : bool
        ``x`` is ``(N, T, ...)`` instead of ``(T, N, ...)``.
    max_grad_norm : float, optional
        Clip the global gradient norm to this value before each step
        (``optim.clip_grad_norm_``), against exploding gradients.

    Returns
    -------
    mean_loss : float
        Mean of the chunk losses.
    state
        The final recurrent state, detached.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> from retrograd import nn, optim
    >>> rnn = nn.RNN(1, 4, rng=np.random.default_rng(0))
    >>> opt = optim.SGD(rnn.parameters(), lr=0.1)
    >>> x = np.random.default_rng(1).normal(size=(20, 2, 1))   # T=20 steps
    >>> loss, h = truncated_bptt(rnn, x, np.zeros((20, 2, 4)),
    ...                          lambda out, t: ((out - t) ** 2).mean(), opt, k=5)
    >>> h.shape
    (1, 2, 4)
    """
    from retrograd.train.step import run_tbptt_chunks  # the loop fit(..., tbptt=k) runs too

    params = [p for g in optimizer.param_groups for p in g["params"]]
    y_arr = y.data if isinstance(y, Tensor) else (None if y is None else np.asarray(y))
    losses, _, state = run_tbptt_chunks(
        model, loss_fn, optimizer, x, y_arr, k, params, state=state, batch_first=batch_first,
        max_grad_norm=max_grad_norm, check_finite=False,
    )  # fmt: skip
    return float(np.mean(losses)), state
