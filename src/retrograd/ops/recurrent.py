"""Recurrent ops: a whole RNN / LSTM / GRU recurrence over a sequence as one graph node.

Backpropagation through time (BPTT) is ordinary backprop on the network
*unrolled* over the time steps: step t's hidden state feeds step t+1, so the
gradient reaching h_t is the sum of what the output at t sends back and what
step t+1 sends back through the recurrent weights. Each op below runs that
unrolled network forward with a Python loop over time and, in ``backward``,
walks the same loop in reverse, carrying ``dh_next`` (and ``dc_next`` for the
LSTM) from step t+1 to step t -- BPTT written out by hand.

Why fused (one node for the whole sequence) rather than small ops per step?
Per time step the engine would otherwise record ~15 nodes (matmul, adds, four
gate activations, products...), each with Python overhead. Here the input
projection ``x_t W_ih^T + b_ih`` of *all* time steps is one GEMM before the
loop, the loop does one GEMM per step for the recurrent term, and the weight
gradients are one GEMM each after the backward loop, e.g.
dL/dW_hh = sum_t dgates_t^T h_{t-1} as a single product over the stacked steps.

Inputs, shared by the three ops (``G`` = gates x hidden size):

* ``x`` ``(T, N, I)``: the input sequence, time-major,
* ``h0`` ``(N, H)`` (and ``c0`` for the LSTM): the initial state,
* ``w_ih`` ``(G, I)``, ``w_hh`` ``(G, H)``, ``b_ih``, ``b_hh`` ``(G,)`` (both or neither),
* ``reverse``: run from t = T-1 down to 0 (the backward half of a bidirectional layer).

Gate order follows PyTorch so its weights load 1:1: LSTM ``i, f, g, o``,
GRU ``r, z, n``.
"""

from __future__ import annotations

import numpy as np

from retrograd.function import Function


def sigmoid_(a: np.ndarray) -> np.ndarray:
    """In-place logistic sigmoid via sigma(a) = (1 + tanh(a/2)) / 2 (never overflows)."""
    a *= 0.5
    np.tanh(a, out=a)
    a *= 0.5
    a += 0.5
    return a


def _check(name, x, gates, w_ih, w_hh, *states):
    """Validate shapes; return the hidden size H."""
    hidden = w_hh.shape[1]
    G = gates * hidden
    if x.ndim != 3 or w_ih.shape != (G, x.shape[-1]) or w_hh.shape != (G, hidden):
        raise ValueError(
            f"{name}: input {x.shape}, weight_ih {w_ih.shape} and weight_hh {w_hh.shape} do not "
            f"fit; expected input (T, N, I), weight_ih ({gates}*H, I), weight_hh ({gates}*H, H)"
        )
    if x.shape[0] == 0:
        raise ValueError(f"{name}: the sequence has no time steps (input shape {x.shape})")
    for s in states:
        if s.shape != (x.shape[1], hidden):
            raise ValueError(
                f"{name}: initial state of shape {s.shape} does not fit batch {x.shape[1]} and "
                f"hidden size {hidden}; expected ({x.shape[1]}, {hidden})"
            )
    return hidden


class _Recurrence(Function):
    """Shared input projection of the three recurrences (not an op by itself)."""

    registered = False

    def project(self, x, w_ih, b_ih, b_fold=None):
        """x_t W_ih^T + b_ih (+ b_fold) for every step at once: one (T*N, I) x (I, G) GEMM."""
        T, N, I = x.shape
        self.x_shape = x.shape
        pre = (x.reshape(T * N, I) @ w_ih.T).reshape(T, N, w_ih.shape[0])
        if b_ih is not None:
            pre += b_ih
        if b_fold is not None:
            pre += b_fold
        return pre

    def project_backward(self, dpre, x, w_ih):
        """(dL/dx, dL/dW_ih) from dL/d(pre-activations); dL/dx only if x needs it."""
        T, N, I = self.x_shape
        d2 = dpre.reshape(T * N, -1)
        dw_ih = d2.T @ x.reshape(T * N, I)  # sum over steps and samples of dpre^T x
        needs_dx = bool(self.inputs) and self.inputs[0].requires_grad
        dx = (d2 @ w_ih).reshape(T, N, I) if needs_dx else None
        return dx, dw_ih


def _steps(T: int, reverse: bool) -> range:
    return range(T - 1, -1, -1) if reverse else range(T)


class RNNSequence(_Recurrence):
    """Elman RNN over a sequence: h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh).

    ``act`` is ``"tanh"`` or ``"relu"``.

    Shape
    -----
    x ``(T, N, I)``, h0 ``(N, H)``, w_ih ``(H, I)``, w_hh ``(H, H)``, b_ih, b_hh ``(H,)``
    -> every h_t ``(T, N, H)``.
    """

    def forward(self, x, h0, w_ih, w_hh, b_ih=None, b_hh=None, nonlinearity="tanh", reverse=False):
        _check("RNNSequence", x, 1, w_ih, w_hh, h0)
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(
                f"RNNSequence: nonlinearity must be 'tanh' or 'relu', not {nonlinearity!r}"
            )
        self.has_bias, self.reverse, self.relu = b_hh is not None, reverse, nonlinearity == "relu"
        T = x.shape[0]
        pre = self.project(x, w_ih, b_ih, b_hh)  # becomes the outputs, in place
        w_t = w_hh.T
        h = h0
        for t in _steps(T, reverse):
            a = pre[t]
            a += h @ w_t  # a_t = x_t W_ih^T + b + h_{t-1} W_hh^T
            if self.relu:
                np.maximum(a, 0, out=a)
            else:
                np.tanh(a, out=a)
            h = a
        self.save_for_backward(x, h0, w_ih, w_hh, pre)
        return pre

    def backward(self, g):
        x, h0, w_ih, w_hh, hs = self.saved
        T = hs.shape[0]
        # act'(a) from the output: 1 - h^2 for tanh, [h > 0] for ReLU
        deriv = (hs > 0).astype(hs.dtype) if self.relu else 1.0 - hs * hs
        da = np.empty_like(hs)
        dh_next = np.zeros_like(h0)
        for t in _steps(T, not self.reverse):  # BPTT: walk the steps backwards
            np.multiply(g[t] + dh_next, deriv[t], out=da[t])  # dL/da_t = (dL/dh_t) act'(a_t)
            dh_next = da[t] @ w_hh  # dL/dh_{t-1} through the recurrence
        h_prev = _previous_states(hs, h0, self.reverse)
        dw_hh = da.reshape(-1, da.shape[2]).T @ h_prev.reshape(-1, h_prev.shape[2])
        dx, dw_ih = self.project_backward(da, x, w_ih)
        grads = (dx, dh_next, dw_ih, dw_hh)  # dL/dW_hh = sum_t da_t^T h_{t-1}
        if not self.has_bias:
            return grads
        db = da.sum(axis=(0, 1))  # both biases add to the same pre-activation
        return grads + (db, db)


def _previous_states(hs: np.ndarray, h0: np.ndarray, reverse: bool) -> np.ndarray:
    """h_{t-1} for every step t (the state each step *received*), time-major."""
    prev = np.empty_like(hs)
    if reverse:
        prev[-1] = h0
        prev[:-1] = hs[1:]
    else:
        prev[0] = h0
        prev[1:] = hs[:-1]
    return prev


class LSTMSequence(_Recurrence):
    """LSTM over a sequence, PyTorch's equations and gate order (i, f, g, o)::

        [i f g o]_t = x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh     (one GEMM per step)
        i, f, o = sigmoid(.)       g = tanh(.)
        c_t = f * c_{t-1} + i * g
        h_t = o * tanh(c_t)

    The output packs every h_t and the last cell state in one array (an op has
    one output): ``out[:T]`` are h_0..h_{T-1} in time order and ``out[T]`` is the
    final cell state (c_{T-1}, or c_0 when ``reverse``).

    Shape
    -----
    x ``(T, N, I)``, h0 and c0 ``(N, H)``, w_ih ``(4H, I)``, w_hh ``(4H, H)``,
    b_ih, b_hh ``(4H,)`` -> ``(T + 1, N, H)``.
    """

    def forward(self, x, h0, c0, w_ih, w_hh, b_ih=None, b_hh=None, reverse=False):
        H = _check("LSTMSequence", x, 4, w_ih, w_hh, h0, c0)
        self.has_bias, self.reverse = b_hh is not None, reverse
        T, N, _ = x.shape
        G = 4 * H
        dtype = x.dtype
        # One tanh for all four gates: sigmoid(a) = (1 + tanh(a/2)) / 2 on i, f, o. The
        # halving of the i, f, o pre-activations is folded into the projection and W_hh.
        scale = np.full(G, 0.5, dtype=dtype)
        scale[2 * H : 3 * H] = 1.0
        shift = np.full(G, 0.5, dtype=dtype)
        shift[2 * H : 3 * H] = 0.0
        acts = self.project(x, w_ih, b_ih, b_hh)  # pre-activations, turned into activations
        acts *= scale
        w_t = (w_hh * scale[:, None]).T
        out = np.empty((T + 1, N, H), dtype=dtype)
        cells = np.empty((T, N, H), dtype=dtype)  # c_t for every step
        tanh_c = np.empty((T, N, H), dtype=dtype)
        rec = np.empty((N, G), dtype=dtype)  # h_{t-1} W_hh^T, reused every step
        ig = np.empty((N, H), dtype=dtype)
        h, c = h0, c0
        for t in _steps(T, reverse):
            a = acts[t]
            np.matmul(h, w_t, out=rec)  # pre-activations of i, f, g, o: one GEMM
            a += rec
            np.tanh(a, out=a)
            a *= scale
            a += shift  # i, f, o = sigmoid(.), g = tanh(.)
            i, f, g, o = a[:, :H], a[:, H : 2 * H], a[:, 2 * H : 3 * H], a[:, 3 * H :]
            c = np.multiply(f, c, out=cells[t])
            c += np.multiply(i, g, out=ig)  # c_t = f c_{t-1} + i g
            np.tanh(c, out=tanh_c[t])
            h = np.multiply(o, tanh_c[t], out=out[t])  # h_t = o tanh(c_t)
        out[T] = c
        self.save_for_backward(x, h0, c0, w_ih, w_hh, acts, cells, tanh_c, out)
        return out

    def backward(self, grad_out):
        x, h0, c0, w_ih, w_hh, acts, cells, tanh_c, out = self.saved
        T, N, G = acts.shape
        H = G // 4
        i, f, g = acts[..., :H], acts[..., H : 2 * H], acts[..., 2 * H : 3 * H]
        c_prev = _previous_states(cells, c0, self.reverse)
        # Everything in dL/d(pre-activation) that does not depend on the incoming gradient,
        # for all steps at once (sigmoid' = s (1 - s), tanh' = 1 - g^2):
        #   d pre_i = dc * g i (1 - i)        d pre_f = dc * c_{t-1} f (1 - f)
        #   d pre_g = dc * i (1 - g^2)        d pre_o = dh * tanh(c_t) o (1 - o)
        coef = acts * (1.0 - acts)
        coef[..., :H] *= g
        coef[..., H : 2 * H] *= c_prev
        np.multiply(i, 1.0 - g * g, out=coef[..., 2 * H : 3 * H])
        coef[..., 3 * H :] *= tanh_c
        coef_c = coef[..., : 3 * H].reshape(T, N, 3, H)  # the three gates driven by dc
        o_dtanh = acts[..., 3 * H :] * (1.0 - tanh_c * tanh_c)  # dh_t/dc_t = o tanh'(c_t)
        dgates = np.empty_like(acts)
        dh, dc = np.empty_like(h0), np.empty_like(c0)
        dh_next = np.zeros_like(h0)
        dc_next = grad_out[T].copy()  # the final cell state's own gradient
        for t in _steps(T, not self.reverse):  # BPTT: walk the steps backwards
            np.add(grad_out[t], dh_next, out=dh)  # from the output at t and from step t+1
            np.multiply(dh, o_dtanh[t], out=dc)
            dc += dc_next  # c_t feeds h_t and c_{t+1}
            d = dgates[t]
            np.multiply(dc[:, None, :], coef_c[t], out=d[:, : 3 * H].reshape(N, 3, H))
            np.multiply(dh, coef[t, :, 3 * H :], out=d[:, 3 * H :])
            np.multiply(dc, f[t], out=dc_next)  # dL/dc_{t-1} = dc f
            np.matmul(d, w_hh, out=dh_next)  # dL/dh_{t-1} = dgates W_hh
        h_prev = _previous_states(out[:T], h0, self.reverse)
        dw_hh = dgates.reshape(-1, G).T @ h_prev.reshape(-1, H)  # sum_t dgates_t^T h_{t-1}
        dx, dw_ih = self.project_backward(dgates, x, w_ih)
        grads = (dx, dh_next, dc_next, dw_ih, dw_hh)
        if not self.has_bias:
            return grads
        db = dgates.sum(axis=(0, 1))  # both biases add to the same pre-activations
        return grads + (db, db)


class GRUSequence(_Recurrence):
    """GRU over a sequence, PyTorch's equations and gate order (r, z, n)::

        r_t = sigmoid(x_t W_ir^T + b_ir + h_{t-1} W_hr^T + b_hr)
        z_t = sigmoid(x_t W_iz^T + b_iz + h_{t-1} W_hz^T + b_hz)
        n_t = tanh(x_t W_in^T + b_in + r_t * (h_{t-1} W_hn^T + b_hn))
        h_t = (1 - z_t) * n_t + z_t * h_{t-1}

    The reset gate multiplies the *recurrent* part of n only, so b_hh cannot be
    folded into the input projection for n.

    Shape
    -----
    x ``(T, N, I)``, h0 ``(N, H)``, w_ih ``(3H, I)``, w_hh ``(3H, H)``, b_ih, b_hh ``(3H,)``
    -> every h_t ``(T, N, H)``.
    """

    def forward(self, x, h0, w_ih, w_hh, b_ih=None, b_hh=None, reverse=False):
        H = _check("GRUSequence", x, 3, w_ih, w_hh, h0)
        self.has_bias, self.reverse = b_hh is not None, reverse
        T, N, _ = x.shape
        xw = self.project(x, w_ih, b_ih)
        acts = np.empty_like(xw)  # r, z, n for every step
        hh_n = np.empty((T, N, H), dtype=xw.dtype)  # h_{t-1} W_hn^T + b_hn (needed for dr)
        out = np.empty((T, N, H), dtype=xw.dtype)
        w_t = w_hh.T
        h = h0
        for t in _steps(T, reverse):
            hh = h @ w_t  # recurrent pre-activations of r, z, n: one GEMM
            if b_hh is not None:
                hh += b_hh
            a = acts[t]
            np.add(xw[t, :, : 2 * H], hh[:, : 2 * H], out=a[:, : 2 * H])
            sigmoid_(a[:, : 2 * H])
            r, z, n = a[:, :H], a[:, H : 2 * H], a[:, 2 * H :]
            hh_n[t] = hh[:, 2 * H :]
            np.multiply(r, hh_n[t], out=n)
            n += xw[t, :, 2 * H :]
            np.tanh(n, out=n)
            h_new = out[t]
            np.subtract(h, n, out=h_new)
            h_new *= z
            h_new += n  # h_t = n + z (h_{t-1} - n)
            h = h_new
        self.save_for_backward(x, h0, w_ih, w_hh, acts, hh_n, out)
        return out

    def backward(self, grad_out):
        x, h0, w_ih, w_hh, acts, hh_n, out = self.saved
        T, N, G = acts.shape
        H = G // 3
        r, z, n = acts[..., :H], acts[..., H : 2 * H], acts[..., 2 * H :]
        h_prev = _previous_states(out, h0, self.reverse)
        # dL/d(pre-activation) = dh * coef, with coef independent of the incoming gradient,
        # precomputed for all steps (sigmoid' = s (1 - s), tanh' = 1 - n^2):
        #   pre_n: (1 - z) (1 - n^2)     pre_z: (h_{t-1} - n) z (1 - z)
        #   pre_r: coef_n (h W_hn^T + b_hn) r (1 - r)   (r multiplies n's recurrent part)
        coef = np.empty_like(acts)
        np.multiply(1.0 - z, 1.0 - n * n, out=coef[..., 2 * H :])
        np.multiply(h_prev - n, z * (1.0 - z), out=coef[..., H : 2 * H])
        np.multiply(coef[..., 2 * H :] * hh_n, r * (1.0 - r), out=coef[..., :H])
        coef_hh = coef.copy()  # the recurrent side: n's part is also multiplied by r
        coef_hh[..., 2 * H :] *= r
        coef3, coef_hh3 = coef.reshape(T, N, 3, H), coef_hh.reshape(T, N, 3, H)
        dxw = np.empty_like(acts)  # gradients of the input-side pre-activations
        dhh = np.empty_like(acts)  # ... and of the recurrent-side ones
        dh, direct = np.empty_like(h0), np.empty_like(h0)
        dh_next = np.zeros_like(h0)
        for t in _steps(T, not self.reverse):  # BPTT: walk the steps backwards
            np.add(grad_out[t], dh_next, out=dh)
            np.multiply(dh[:, None, :], coef3[t], out=dxw[t].reshape(N, 3, H))
            np.multiply(dh[:, None, :], coef_hh3[t], out=dhh[t].reshape(N, 3, H))
            np.matmul(dhh[t], w_hh, out=dh_next)  # through W_hh ...
            dh_next += np.multiply(dh, z[t], out=direct)  # ... and directly: dh_t/dh_{t-1} = z
        dw_hh = dhh.reshape(-1, G).T @ h_prev.reshape(-1, H)
        dx, dw_ih = self.project_backward(dxw, x, w_ih)
        grads = (dx, dh_next, dw_ih, dw_hh)
        return grads + (dxw.sum(axis=(0, 1)), dhh.sum(axis=(0, 1))) if self.has_bias else grads
