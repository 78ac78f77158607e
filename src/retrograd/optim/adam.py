"""Adam and AdamW: per-weight step sizes from running moments of the gradient."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from operator import attrgetter, is_, itemgetter
from typing import Any

import numpy as np

from retrograd.grad_mode import no_grad
from retrograd.optim.optimizer import Optimizer, params_with_grad


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015), as PyTorch computes it.

    For each weight, with gradient ``g`` at step ``t``::

        g  = dL/dw + weight_decay * w              (L2 penalty, coupled)
        m  = beta1 * m + (1 - beta1) * g           first moment (mean)
        v  = beta2 * v + (1 - beta2) * g^2         second moment (uncentered variance)
        v' = max(v', v) if amsgrad else v
        w  = w - lr / (1 - beta1^t) * m / (sqrt(v') / sqrt(1 - beta2^t) + eps)

    The ``1 - beta^t`` factors undo the bias of moments that start at zero. With
    ``epsilon_hat=True`` the last line is the paper's faster form (Kingma & Ba, end of
    section 2), which Keras/TensorFlow and scikit-learn use: ``eps`` is then the paper's
    "epsilon hat", added before the bias correction::

        w  = w - lr * sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v') + eps)

    The two differ only where ``sqrt(v)`` is as small as ``eps`` (early steps, weights
    whose gradient is ~0); ``epsilon_hat=True`` is how ``retrograd.sklearn`` reproduces
    scikit-learn's adam.

    Parameters
    ----------
    params : iterable
        Parameters or parameter groups.
    lr : float
        Learning rate (default 1e-3).
    betas : tuple of float
        Decay rates of the two moments, each in [0, 1).
    eps : float
        Added to the denominator for numerical safety.
    weight_decay : float
        L2 penalty added to the gradient (see :class:`AdamW` for the decoupled form).
    amsgrad : bool
        Use the running maximum of ``v`` (Reddi et al., 2018).
    epsilon_hat : bool
        Add ``eps`` to ``sqrt(v)`` before the bias correction (Keras, scikit-learn)
        instead of after it (PyTorch, the default).

    Examples
    --------
    >>> import numpy as np, retrograd as rg
    >>> from retrograd import nn, optim
    >>> w = nn.Parameter(np.array([1.0, -2.0]))
    >>> opt = optim.Adam([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> opt.step()                     # the first Adam step moves each weight by ~lr
    >>> np.round(w.data, 4)
    array([ 0.9, -1.9], dtype=float32)
    """

    _decoupled = False

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        epsilon_hat: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
            epsilon_hat=bool(epsilon_hat),
        )  # fmt: skip
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        name = type(self).__name__
        betas = group["betas"]
        if len(betas) != 2 or not all(0.0 <= b < 1.0 for b in betas):
            raise ValueError(f"{name}: betas must be two numbers in [0, 1), got {betas}")
        if group["eps"] < 0:
            raise ValueError(f"{name}: eps must be >= 0, got {group['eps']}")
        if group["weight_decay"] < 0:
            raise ValueError(f"{name}: weight_decay must be >= 0, got {group['weight_decay']}")

    @no_grad()
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; returns ``closure()`` if given."""
        loss = self.evaluate_closure(closure)
        for group in self.param_groups:
            lr, eps, wd = group["lr"], group["eps"], group["weight_decay"]
            amsgrad = group["amsgrad"]
            beta1, beta2 = group["betas"]
            if self._fused_step(group):
                continue
            for p in params_with_grad(group):
                g = p.grad  # never modified in place: it may be shared
                if wd and self._decoupled:
                    p.data *= 1.0 - lr * wd  # AdamW: shrink the weight itself
                elif wd:
                    g = g + wd * p.data
                st = self.state.get(p)
                if not st:
                    st = self.state[p] = {
                        "step": 0,
                        "exp_avg": np.zeros_like(p.data),
                        "exp_avg_sq": np.zeros_like(p.data),
                    }
                    if amsgrad:
                        st["max_exp_avg_sq"] = np.zeros_like(p.data)
                st["step"] += 1
                t = st["step"]
                m, v = st["exp_avg"], st["exp_avg_sq"]
                m *= beta1
                m += (1.0 - beta1) * g
                tmp = np.multiply(g, g)  # the one scratch array of this update
                tmp *= 1.0 - beta2
                v *= beta2
                v += tmp
                if amsgrad:
                    vmax = st.setdefault("max_exp_avg_sq", np.zeros_like(p.data))
                    np.maximum(vmax, v, out=vmax)
                    v = vmax
                np.sqrt(v, out=tmp)
                if group.get("epsilon_hat"):  # lr_t m / (sqrt(v) + eps), in that order
                    tmp += eps
                    np.divide(m * _step_size(group, t), tmp, out=tmp)
                else:
                    tmp /= math.sqrt(1.0 - beta2**t)
                    tmp += eps  # tmp = denominator
                    np.divide(m, tmp, out=tmp)
                    tmp *= _step_size(group, t)
                p.data -= tmp
        return loss

    def _fused_step(self, group: dict[str, Any]) -> bool:
        """The same update for all of a group's weights at once, on flat buffers.

        ``m`` and ``v`` of every weight are views into the two rows of one array, so
        each line of the update is one NumPy call instead of one per weight --
        elementwise, hence bit-for-bit what the per-weight loop computes. Used
        when every weight has a gradient of its own dtype, all are at the same
        step, and there is no weight decay or amsgrad; returns False otherwise.
        """
        params = group["params"]
        if group["amsgrad"] or group["weight_decay"] or len(params) < 2:
            return False
        dtype = params[0].data.dtype
        grads = []
        for p in params:
            g = p.grad
            if g is None or g.dtype != dtype or p.data.dtype != dtype:
                return False
            grads.append(g.reshape(-1))
        cache = self.__dict__.setdefault("_flat", {})
        key = id(group)
        flat = cache.get(key)
        state = self.state
        if flat is None or not self._flat_current(flat, params):
            # first step, or the state was replaced (load_state_dict): rebuild the buffers
            flat = self._build_flat(params, [state.get(p) for p in params], dtype)
            if flat is None:
                return False
            cache[key] = flat
        t = flat["states"][0]["step"] + 1
        for st in flat["states"]:
            st["step"] = t
        eps = group["eps"]
        beta1, beta2 = group["betas"]
        if flat.get("beta_key") != (beta1, beta2):  # (schedulers may change the betas)
            flat["beta_key"] = (beta1, beta2)
            flat["betas"] = np.array([[beta1], [beta2]], dtype=dtype)
            flat["one_minus_betas"] = np.array([[1.0 - beta1], [1.0 - beta2]], dtype=dtype)
        mv, gg, tmp = flat["mv"], flat["gg"], flat["tmp"]  # mv = [m; v], gg = [g; g^2]
        m, v = mv
        np.concatenate(grads, out=gg[0])
        np.multiply(gg[0], gg[0], out=gg[1])
        gg *= flat["one_minus_betas"]  # [(1 - beta1) g; (1 - beta2) g^2]
        mv *= flat["betas"]
        mv += gg  # m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2
        np.sqrt(v, out=tmp)
        if group.get("epsilon_hat"):  # as the per-weight loop; gg[0] is free scratch now
            tmp += eps
            np.multiply(m, _step_size(group, t), out=gg[0])
            np.divide(gg[0], tmp, out=tmp)
        else:
            tmp /= math.sqrt(1.0 - beta2**t)
            tmp += eps
            np.divide(m, tmp, out=tmp)
            tmp *= _step_size(group, t)
        for p, step in zip(params, flat["tmp_views"]):
            p.data -= step
        return True

    def _flat_current(self, flat: dict[str, Any], params: list[Any]) -> bool:
        """Whether the flat buffers still hold these parameters' moments (nothing replaced).

        Each state dict was made for one parameter, so finding the same dicts under
        ``state[p]`` also means the same parameters in the same order. (The checks run
        through ``map``, in C: this runs every step.)
        """
        states = flat["states"]
        return (
            len(states) == len(params)
            and all(map(is_, map(self.state.get, params), states))
            and all(map(is_, map(itemgetter("exp_avg"), states), flat["m_views"]))
            and all(map(is_, map(itemgetter("exp_avg_sq"), states), flat["v_views"]))
            and list(map(attrgetter("data.shape"), params)) == flat["shapes"]
        )

    def _build_flat(
        self, params: list[Any], states: list[Any], dtype: np.dtype
    ) -> dict[str, Any] | None:
        """Flat ``m``/``v`` buffers holding the current moments; None if steps differ."""
        steps = {st["step"] if st else 0 for st in states}
        if len(steps) != 1 or any(st and len(st) != 3 for st in states):
            return None
        step = steps.pop()
        sizes = [p.data.size for p in params]
        ends = np.cumsum(sizes).tolist()
        spans = list(zip([0, *ends[:-1]], ends))
        total = ends[-1]
        flat: dict[str, Any] = {"shapes": [p.data.shape for p in params]}
        # m and v stacked as the two rows of one array (g and g^2 likewise), so each
        # moment update is one NumPy call for both moments
        flat["mv"] = np.zeros((2, total), dtype=dtype)
        flat["gg"] = np.zeros((2, total), dtype=dtype)
        flat["tmp"] = np.zeros(total, dtype=dtype)
        m_all, v_all = flat["mv"]
        flat["m_views"], flat["v_views"], flat["tmp_views"], flat["states"] = [], [], [], []
        for p, st, (lo, hi) in zip(params, states, spans):
            vm = m_all[lo:hi].reshape(p.data.shape)
            vv = v_all[lo:hi].reshape(p.data.shape)
            if st:
                vm[...] = st["exp_avg"]
                vv[...] = st["exp_avg_sq"]
            new = self.state[p] = {"step": step, "exp_avg": vm, "exp_avg_sq": vv}
            flat["m_views"].append(vm)
            flat["v_views"].append(vv)
            flat["tmp_views"].append(flat["tmp"][lo:hi].reshape(p.data.shape))
            flat["states"].append(new)
        return flat


def _step_size(group: dict[str, Any], t: int) -> float:
    """The factor in front of ``m / denominator`` at step ``t``."""
    beta1, beta2 = group["betas"]
    if group.get("epsilon_hat"):
        return group["lr"] * math.sqrt(1.0 - beta2**t) / (1.0 - beta1**t)
    return group["lr"] / (1.0 - beta1**t)


class AdamW(Adam):
    """Adam with *decoupled* weight decay (Loshchilov & Hutter, 2019).

    Instead of adding ``weight_decay * w`` to the gradient (where Adam's
    scaling would weaken it), each step first shrinks the weight directly:
    ``w <- w * (1 - lr * weight_decay)``, then applies the Adam update.

    Parameters
    ----------
    params, lr, betas, eps, amsgrad, epsilon_hat
        As in :class:`Adam`.
    weight_decay : float
        Decoupled decay coefficient (default 0.01, as PyTorch).

    Examples
    --------
    >>> from retrograd import nn, optim
    >>> model = nn.Linear(4, 2)
    >>> opt = optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    """

    _decoupled = True

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.01,
        amsgrad: bool = False,
        epsilon_hat: bool = False,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, epsilon_hat)
