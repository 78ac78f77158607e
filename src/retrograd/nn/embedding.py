"""``Embedding``: a trainable lookup table from integer ids to vectors."""

from __future__ import annotations

from typing import Any

import numpy as np

from retrograd import ops
from retrograd.backend import get_default_dtype
from retrograd.nn import init
from retrograd.nn.module import Module
from retrograd.nn.parameter import Parameter
from retrograd.tensor import Tensor


def embedding(indices: Any, weight: Tensor, padding_idx: int | None = None) -> Tensor:
    """Rows of ``weight`` picked by integer ``indices``.

    Repeated indices accumulate their gradients into the same row; the row
    ``padding_idx`` (if given) gets no gradient.

    Shape
    -----
    indices: ``(*)`` integers; weight: ``(V, D)``; output: ``(*, D)``.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> from retrograd.nn.functional import embedding
    >>> w = rg.tensor(np.arange(6.0).reshape(3, 2))
    >>> embedding(np.array([2, 0, 2]), w).data
    array([[4., 5.],
           [0., 1.],
           [4., 5.]], dtype=float32)
    """
    idx = indices.data if isinstance(indices, Tensor) else np.asarray(indices)
    return ops.Embedding.apply(weight, indices=idx, padding_idx=padding_idx)


class Embedding(Module):
    """A table of ``num_embeddings`` learnable vectors of size ``embedding_dim``.

    ``layer(ids)`` looks up the row of each id; training updates only the rows
    that were looked up (their gradients summed over repeats).

    Parameters
    ----------
    num_embeddings : int
        V, the vocabulary size.
    embedding_dim : int
        D, the size of each vector.
    padding_idx : int, optional
        A row kept at zero that receives no gradient (for padding tokens).
    rng : numpy.random.Generator, optional
        Generator for the initial weights, drawn from N(0, 1) as in PyTorch.
    dtype : optional
        Parameter dtype (float32 by default).

    Shape
    -----
    input ``(*)`` integer ids in ``[0, V)`` -> output ``(*, D)``; ``weight``: ``(V, D)``.

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> emb = rg.nn.Embedding(10, 3, rng=np.random.default_rng(0))
    >>> emb(np.array([[1, 2, 1], [9, 0, 0]])).shape
    (2, 3, 3)
    """

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        padding_idx: int | None = None,
        rng: np.random.Generator | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        self.num_embeddings, self.embedding_dim = int(num_embeddings), int(embedding_dim)
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise ValueError(
                    f"Embedding: padding_idx={padding_idx} is outside a table of "
                    f"{num_embeddings} rows"
                )
            padding_idx = int(padding_idx) % num_embeddings
        self.padding_idx = padding_idx
        dt = dtype or get_default_dtype()
        self.weight = Parameter(np.zeros((num_embeddings, embedding_dim)), dtype=dt)
        self.reset_parameters(rng)

    def reset_parameters(self, rng: np.random.Generator | None = None) -> None:
        init.normal_(self.weight, 0.0, 1.0, rng)
        if self.padding_idx is not None:
            self.weight.data[self.padding_idx] = 0

    @classmethod
    def from_pretrained(
        cls, embeddings: Any, freeze: bool = True, padding_idx: int | None = None
    ) -> Embedding:
        """An Embedding whose table is ``embeddings`` (a ``(V, D)`` array), frozen by default."""
        table = np.asarray(embeddings.data if isinstance(embeddings, Tensor) else embeddings)
        if table.ndim != 2:
            raise ValueError(f"Embedding.from_pretrained: need a (V, D) table, got {table.shape}")
        layer = cls(
            table.shape[0],
            table.shape[1],
            padding_idx=padding_idx,
            dtype=table.dtype if table.dtype.kind == "f" else None,
        )
        layer.weight.data = table.astype(layer.weight.dtype, copy=True)
        layer.weight.requires_grad = not freeze
        return layer

    def forward(self, indices: Any) -> Tensor:
        idx = indices.data if isinstance(indices, Tensor) else np.asarray(indices)
        name = f"Embedding({self.num_embeddings}, {self.embedding_dim})"
        if idx.dtype.kind not in "iu":
            raise TypeError(
                f"{name}: expected integer ids, got dtype {idx.dtype} (shape {idx.shape})"
            )
        if idx.size and (idx.min() < 0 or idx.max() >= self.num_embeddings):
            raise IndexError(
                f"{name}: ids must be in [0, {self.num_embeddings}), got values in "
                f"[{idx.min()}, {idx.max()}] (input shape {idx.shape})"
            )
        return embedding(idx, self.weight, self.padding_idx)

    def get_config(self) -> dict[str, Any]:
        """JSON-safe constructor arguments."""
        return {
            "num_embeddings": self.num_embeddings,
            "embedding_dim": self.embedding_dim,
            "padding_idx": self.padding_idx,
        }

    def extra_repr(self) -> str:
        pad = "" if self.padding_idx is None else f", padding_idx={self.padding_idx}"
        return f"{self.num_embeddings}, {self.embedding_dim}{pad}"
