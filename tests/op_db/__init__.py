"""The op table: one entry per differentiable op, checked by ``tests/ops/test_op_db.py``.

Every :class:`retrograd.function.Function` in ``retrograd.function.REGISTRY`` must be
covered by at least one :class:`OpEntry` (the coverage test fails otherwise). Entries live
in one module per op family inside this package (``arithmetic.py``, ``reduction.py``,
``conv.py``, ``recurrent.py``, ...); each such module defines a module-level list
``ENTRIES`` and this package collects them all into :data:`ENTRIES`.

How an entry is tested
----------------------
For every sample (a tuple of input shapes) the test draws float64 inputs from the entry's
domain, then

1. **forward vs reference**: ``fn(*tensors)`` must equal ``ref(*arrays)`` (a plain-NumPy
   implementation written independently of the op) to ``fwd_rtol``/``fwd_atol``;
2. **float32 is preserved**: the same call on float32 inputs returns float32 (skip with
   ``float32=False``);
3. **gradcheck**: ``retrograd.gradcheck`` compares backward with central finite
   differences in float64 for every differentiable input.

Writing an entry
----------------
::

    OpEntry(
        "relu",                       # unique test id
        ops=("ReLU",),                # REGISTRY names this entry exercises
        fn=lambda x: x.relu(),        # retrograd, Tensors in -> Tensor out
        ref=lambda x: np.maximum(x, 0),  # plain NumPy, arrays in -> array out
        shapes=[((3, 4),), ((),), ((0, 2),)],
        avoid=(0.0,),                 # kink: no sample lands within ``margin`` of 0
    )

Inputs that are not differentiable (integer labels, boolean masks, index arrays) are
listed in ``const``: a mapping from the input's position to a function
``(rng, shapes) -> ndarray`` that builds it. Such inputs are passed to ``fn`` and ``ref``
as plain NumPy arrays (wrap them yourself inside ``fn`` if the op wants a Tensor).
Use ``make`` instead of ``domain``/``avoid`` when differentiable inputs need a special
construction (e.g. distinct values so ``max`` has no ties): it gets ``(rng, shape, i)``
and returns a float64 array for input ``i``.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

Shape = tuple[int, ...]
Domain = tuple[float, float]


@dataclass(frozen=True)
class OpEntry:
    """One row of the op table (see the module docstring).

    Attributes
    ----------
    name : str
        Unique id, used as the pytest id (``"add/broadcast"`` style is fine).
    ops : tuple of str
        Names in ``retrograd.function.REGISTRY`` this entry covers.
    fn : callable
        ``fn(*inputs) -> Tensor`` using retrograd (differentiable inputs arrive as Tensors,
        ``const`` inputs as ndarrays).
    ref : callable
        ``ref(*arrays) -> ndarray``: the same math in plain NumPy.
    shapes : sequence of tuples of shapes
        One tuple of input shapes per sample; include broadcast pairs, scalars ``()`` and
        zero-size arrays where the op allows them.
    domain : (low, high) or a sequence of them (one per input)
        Where differentiable inputs are drawn uniformly.
    avoid : tuple of float
        Points to keep away from (kinks, poles); samples within ``margin`` are pushed out.
    margin : float
        Minimum distance from every ``avoid`` point.
    const : dict[int, callable]
        Non-differentiable inputs by position: ``const[i](rng, shapes) -> ndarray``.
    make : callable, optional
        ``make(rng, shape, i) -> float64 ndarray`` builds differentiable input ``i``.
    float32 : bool
        Also check that float32 inputs give a float32 output.
    gradcheck : bool
        Run the float64 gradcheck (False only for ops with no gradient to check).
    fwd_rtol, fwd_atol, atol, rtol, eps : float
        Tolerances of the forward comparison and of gradcheck.
    """

    name: str
    ops: tuple[str, ...]
    fn: Callable[..., Any]
    ref: Callable[..., np.ndarray]
    shapes: Sequence[tuple[Shape, ...]]
    domain: Domain | Sequence[Domain] = (-2.0, 2.0)
    avoid: tuple[float, ...] = ()
    margin: float = 1e-2
    const: dict[int, Callable[[np.random.Generator, tuple[Shape, ...]], np.ndarray]] = field(
        default_factory=dict
    )
    make: Callable[[np.random.Generator, Shape, int], np.ndarray] | None = None
    float32: bool = True
    gradcheck: bool = True
    fwd_rtol: float = 1e-10
    fwd_atol: float = 1e-12
    atol: float = 1e-5
    rtol: float = 1e-3
    eps: float = 1e-6

    def domain_of(self, i: int) -> Domain:
        """The sampling range of input ``i``."""
        d = self.domain
        if len(d) == 2 and all(isinstance(v, (int, float)) for v in d):
            return d  # type: ignore[return-value]
        return d[i]  # type: ignore[index]

    def sample(self, k: int, seed: int = 0) -> list[np.ndarray]:
        """Float64 (or constant) input arrays for sample ``k``."""
        shapes = tuple(self.shapes[k])
        rng = np.random.default_rng([seed, k])
        arrays: list[np.ndarray] = []
        for i, shape in enumerate(shapes):
            if i in self.const:
                arrays.append(np.asarray(self.const[i](rng, shapes)))
                continue
            if self.make is not None:
                arrays.append(np.asarray(self.make(rng, shape, i), dtype=np.float64))
                continue
            lo, hi = self.domain_of(i)
            x = rng.uniform(lo, hi, size=shape)
            for p in self.avoid:
                near = np.abs(x - p) < self.margin
                x = np.where(near, p + np.where(x >= p, self.margin, -self.margin) * 2, x)
            arrays.append(x)
        return arrays

    def differentiable(self, k: int) -> list[bool]:
        """Which inputs of sample ``k`` are differentiable (all but ``const``)."""
        return [i not in self.const for i in range(len(self.shapes[k]))]


def distinct(rng: np.random.Generator, shape: Shape, i: int = 0) -> np.ndarray:
    """Values with no ties, at least 0.05 apart (for max/min/sort-like ops)."""
    n = int(np.prod(shape, dtype=np.int64))
    return (rng.permutation(n) * 0.05 - 0.025 * n + rng.uniform(0, 0.01)).reshape(shape)


def _collect() -> list[OpEntry]:
    entries: list[OpEntry] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        entries.extend(getattr(module, "ENTRIES", ()))
    names = [e.name for e in entries]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise ValueError(f"op table: duplicate entry names {sorted(dupes)}")
    return entries


#: Every entry from every module of this package.
ENTRIES: list[OpEntry] = _collect()

__all__ = ["ENTRIES", "OpEntry", "distinct"]
