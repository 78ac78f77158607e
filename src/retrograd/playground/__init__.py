"""The playground: watch backpropagation work in the browser.

``retrograd playground`` (or :func:`serve`) starts a local web app where you
pick a 2-D dataset and a small network, then train it -- a batch at a time,
one backprop phase at a time (forward, error, backward, update), or live --
and see the weights, the gradients flowing back, each neuron's picture of the
input space and the loss curves. Training runs on the server in retrograd's
own engine; the page is plain HTML/CSS/JS shipped in this package.

Needs the ``[web]`` extra: ``pip install "retrograd[web]"``.

Parts
-----
* :mod:`~retrograd.playground.config` -- the settings of a run (and the URL form);
* :mod:`~retrograd.playground.datasets` -- the 2-D sets and CSV upload;
* :mod:`~retrograd.playground.network` -- the MLP whose every value can be shown;
* :mod:`~retrograd.playground.run` -- the training step, phase by phase;
* :mod:`~retrograd.playground.session` -- sessions trained on background threads;
* :mod:`~retrograd.playground.security` -- Host/Origin checks and size caps;
* :mod:`~retrograd.playground.app` -- the Starlette routes;
* :mod:`~retrograd.playground.server` -- :func:`serve`.
"""

from __future__ import annotations

from typing import Any

from retrograd.playground.config import Config, ConfigError
from retrograd.playground.server import serve


def create_app(*args: Any, **kwargs: Any) -> Any:
    """The ASGI app (see :func:`retrograd.playground.app.create_app`)."""
    from retrograd.playground.app import create_app as _create_app

    return _create_app(*args, **kwargs)


__all__ = ["Config", "ConfigError", "create_app", "serve"]
