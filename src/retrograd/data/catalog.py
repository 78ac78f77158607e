"""Built-in datasets by name (for the CLI, the playground and quick experiments)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from retrograd.data.digits import load_digits
from retrograd.data.mnist import load_fashion_mnist, load_mnist
from retrograd.data.synthetic import make_blobs, make_circles, make_moons, make_spirals
from retrograd.data.toy import load_textbook, load_xor

#: name -> function returning ``(X, y)``; MNIST-like sets take ``train=`` and ``root=``
DATASETS: dict[str, Callable[..., tuple[np.ndarray, np.ndarray]]] = {
    "digits": load_digits,
    "xor": load_xor,
    "textbook": load_textbook,
    "moons": make_moons,
    "circles": make_circles,
    "spirals": make_spirals,
    "blobs": make_blobs,
    "mnist": load_mnist,
    "fashion-mnist": load_fashion_mnist,
}


def load_dataset(name: str, **kwargs: Any) -> tuple[np.ndarray, np.ndarray]:
    """Load a built-in dataset by name: ``load_dataset("moons", n_samples=500, noise=0.2)``.

    Parameters
    ----------
    name : str
        One of :data:`DATASETS` (``"fashion_mnist"`` also works).
    **kwargs
        Passed to the loader.

    Examples
    --------
    >>> X, y = load_dataset("xor")
    >>> X.shape
    (4, 2)
    """
    key = name.lower().replace("_", "-")
    if key not in DATASETS:
        raise ValueError(
            f"unknown dataset {name!r}; built-in datasets are: {', '.join(DATASETS)} "
            "(or give a CSV file path)"
        )
    return DATASETS[key](**kwargs)
