"""Finding out where a NaN or Inf came from when the loss (or a gradient) stops being finite.

A NaN loss on its own says nothing about its cause. When training meets one,
:func:`retrograd.train.train_step` stops *before* the update (so the weights
stay finite) and calls :func:`diagnose` which checks, in order:

1. the input batch and its targets -- NaN/Inf in the data itself;
2. the parameters -- already non-finite weights;
3. the computation -- it re-runs the batch's forward (and, for a gradient
   problem, backward) pass under :class:`retrograd.detect_anomaly`, which
   names the first op whose output or gradient is not finite.

The result is raised as :class:`NonFiniteLossError` (a ``FloatingPointError``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from retrograd.grad_mode import detect_anomaly, enable_grad, no_grad
from retrograd.tensor import Tensor


class NonFiniteLossError(FloatingPointError):
    """Training met a NaN/Inf loss or gradient; the message says where and why.

    Attributes
    ----------
    epoch : int or None
        1-based epoch of the failing step (``None`` outside ``fit``).
    step : int or None
        1-based global step (optimizer update) that failed.
    op : str or None
        Name of the first op that produced a non-finite value, if found.

    Examples
    --------
    >>> import numpy as np
    >>> from retrograd import nn, optim
    >>> from retrograd.train import fit
    >>> model = nn.Linear(2, 1, rng=np.random.default_rng(0))
    >>> X, y = np.array([[1.0, np.nan]]), np.array([[0.0]])
    >>> try:
    ...     fit(model, "mse", optim.SGD(model.parameters(), lr=0.1), (X, y), verbose=0)
    ... except NonFiniteLossError as err:
    ...     print(err.epoch, err.step, err.op)
    1 1 Linear
    """

    def __init__(
        self, message: str, epoch: int | None = None, step: int | None = None, op: str | None = None
    ) -> None:
        super().__init__(message)
        self.epoch, self.step, self.op = epoch, step, op


def _nonfinite_summary(arr: np.ndarray) -> str | None:
    """'3 NaN, 1 Inf (first at index (2, 5))' or None when all finite."""
    if arr.dtype.kind not in "fc":
        return None
    bad = ~np.isfinite(arr)
    if not bad.any():
        return None
    n_nan = int(np.isnan(arr).sum())
    n_inf = int(bad.sum()) - n_nan
    first = tuple(int(i) for i in np.argwhere(bad)[0])
    where = first[0] if len(first) == 1 else first
    return f"{n_nan} NaN, {n_inf} Inf (first at index {where})"


def diagnose(
    model: Any,
    loss_fn: Callable[..., Tensor],
    inputs: Sequence[Tensor],
    target: Tensor,
    stage: str = "forward",
) -> tuple[list[str], str | None]:
    """Explain a non-finite loss (``stage='forward'``) or gradient (``'backward'``).

    Returns
    -------
    findings : list of str
        Human-readable facts, e.g. ``"the input batch has 2 NaN, 0 Inf ..."``.
    op : str or None
        The first op that produced a non-finite value under ``detect_anomaly``.

    Gradients are left as they were before the call.
    """
    findings: list[str] = []
    for i, x in enumerate(inputs):
        s = _nonfinite_summary(np.asarray(x.data))
        if s:
            label = "the input batch" if len(inputs) == 1 else f"input {i} of the batch"
            findings.append(f"{label} has {s} -- check the data")
    s = _nonfinite_summary(np.asarray(target.data))
    if s:
        findings.append(f"the target batch has {s} -- check the labels/targets")
    bad_params = [
        name for name, p in model.named_parameters() if _nonfinite_summary(p.data) is not None
    ]
    if bad_params:
        findings.append(
            f"parameters {bad_params[:5]} are already non-finite (an earlier update diverged)"
        )

    op = None
    saved = [(p, p.grad) for p in model.parameters()]
    try:
        with detect_anomaly():
            if stage == "backward":
                with enable_grad():
                    loss_fn(model(*inputs), target).backward()
            else:
                with no_grad():
                    loss_fn(model(*inputs), target)
    except FloatingPointError as exc:
        op = str(exc).split(":", 1)[0].strip() or None
        findings.append(f"detect_anomaly: {exc}")
    except Exception as exc:  # pragma: no cover - the re-run failed for another reason
        findings.append(f"re-running the batch under detect_anomaly failed: {exc}")
    finally:
        for p, g in saved:
            p.grad = g
    return findings, op


def raise_nonfinite(
    what: str,
    model: Any,
    loss_fn: Callable[..., Tensor],
    inputs: Sequence[Tensor],
    target: Tensor,
    stage: str,
    epoch: int | None = None,
    step: int | None = None,
    where: str = "",
) -> None:
    """Diagnose and raise :class:`NonFiniteLossError` for ``what`` (e.g. ``"loss is nan"``)."""
    findings, op = diagnose(model, loss_fn, inputs, target, stage)
    origin = f"produced by op {op}" if op else "origin not found by detect_anomaly"
    hint = (
        "lower the learning rate, scale the inputs, or use a fused loss "
        "(cross_entropy / bce_with_logits) instead of log(softmax) / log(sigmoid)"
    )
    msg = (
        f"{where + ': ' if where else ''}{what} ({origin}); training stopped before the update, "
        f"weights are unchanged. " + "; ".join(findings) + f". Hint: {hint}."
    )
    raise NonFiniteLossError(msg, epoch=epoch, step=step, op=op)
