"""Op table: the fused recurrences (RNN, LSTM, GRU over a sequence) and the fixed-point
layer of recurrent backprop. References are plain per-step NumPy loops."""

from __future__ import annotations

import numpy as np

from op_db import OpEntry
from retrograd.ops import FixedPoint, GRUSequence, LSTMSequence, RNNSequence


def _sig(a: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-a))


def _order(T: int, reverse: bool) -> list[int]:
    return list(range(T))[::-1] if reverse else list(range(T))


def rnn_ref(x, h, wih, whh, bih=0.0, bhh=0.0, relu=False, reverse=False):
    out = np.zeros(x.shape[:2] + (whh.shape[1],))
    for t in _order(x.shape[0], reverse):
        a = x[t] @ wih.T + bih + h @ whh.T + bhh
        h = np.maximum(a, 0) if relu else np.tanh(a)
        out[t] = h
    return out


def lstm_ref(x, h, c, wih, whh, bih=0.0, bhh=0.0, reverse=False):
    H = whh.shape[1]
    out = np.zeros((x.shape[0] + 1, x.shape[1], H))
    for t in _order(x.shape[0], reverse):
        z = x[t] @ wih.T + bih + h @ whh.T + bhh
        i, f, g, o = (
            _sig(z[:, :H]),
            _sig(z[:, H : 2 * H]),
            np.tanh(z[:, 2 * H : 3 * H]),
            _sig(z[:, 3 * H :]),
        )
        c = f * c + i * g
        h = o * np.tanh(c)
        out[t] = h
    out[-1] = c
    return out


def gru_ref(x, h, wih, whh, bih=0.0, bhh=0.0, reverse=False):
    H = whh.shape[1]
    out = np.zeros(x.shape[:2] + (H,))
    bih = np.zeros(3 * H) + bih
    bhh = np.zeros(3 * H) + bhh
    for t in _order(x.shape[0], reverse):
        gi = x[t] @ wih.T + bih
        gh = h @ whh.T + bhh
        r = _sig(gi[:, :H] + gh[:, :H])
        z = _sig(gi[:, H : 2 * H] + gh[:, H : 2 * H])
        n = np.tanh(gi[:, 2 * H :] + r * gh[:, 2 * H :])
        h = (1 - z) * n + z * h
        out[t] = h
    return out


def _rnn_shapes(gates: int, states: int, bias: bool) -> list[tuple]:
    out = []
    for T, N, I, H in ((3, 2, 3, 4), (1, 1, 2, 3), (5, 3, 1, 2)):
        shapes = ((T, N, I),) + ((N, H),) * states + ((gates * H, I), (gates * H, H))
        out.append(shapes + (((gates * H,), (gates * H,)) if bias else ()))
    return out


ENTRIES = []
for rev in (False, True):
    tag = "/reverse" if rev else ""
    for relu in (False, True):
        act = "relu" if relu else "tanh"
        ENTRIES += [
            OpEntry(
                f"rnn_sequence/{act}{tag}",
                ("RNNSequence",),
                lambda x, h, wi, wh, bi, bh, a=act, r=rev: RNNSequence.apply(
                    x, h, wi, wh, bi, bh, nonlinearity=a, reverse=r
                ),
                lambda x, h, wi, wh, bi, bh, a=relu, r=rev: rnn_ref(x, h, wi, wh, bi, bh, a, r),
                _rnn_shapes(1, 1, True),
                domain=(-1.0, 1.0),
            ),
        ]
    ENTRIES += [
        OpEntry(
            f"lstm_sequence{tag}",
            ("LSTMSequence",),
            lambda x, h, c, wi, wh, bi, bh, r=rev: LSTMSequence.apply(
                x, h, c, wi, wh, bi, bh, reverse=r
            ),
            lambda x, h, c, wi, wh, bi, bh, r=rev: lstm_ref(x, h, c, wi, wh, bi, bh, r),
            _rnn_shapes(4, 2, True),
            domain=(-1.0, 1.0),
        ),
        OpEntry(
            f"gru_sequence{tag}",
            ("GRUSequence",),
            lambda x, h, wi, wh, bi, bh, r=rev: GRUSequence.apply(x, h, wi, wh, bi, bh, reverse=r),
            lambda x, h, wi, wh, bi, bh, r=rev: gru_ref(x, h, wi, wh, bi, bh, r),
            _rnn_shapes(3, 1, True),
            domain=(-1.0, 1.0),
        ),
    ]
ENTRIES += [
    OpEntry(
        "rnn_sequence/no-bias",
        ("RNNSequence",),
        lambda x, h, wi, wh: RNNSequence.apply(x, h, wi, wh),
        lambda x, h, wi, wh: rnn_ref(x, h, wi, wh),
        _rnn_shapes(1, 1, False),
        domain=(-1.0, 1.0),
    ),
    OpEntry(
        "lstm_sequence/no-bias",
        ("LSTMSequence",),
        lambda x, h, c, wi, wh: LSTMSequence.apply(x, h, c, wi, wh),
        lambda x, h, c, wi, wh: lstm_ref(x, h, c, wi, wh),
        _rnn_shapes(4, 2, False),
        domain=(-1.0, 1.0),
    ),
    OpEntry(
        "gru_sequence/no-bias",
        ("GRUSequence",),
        lambda x, h, wi, wh: GRUSequence.apply(x, h, wi, wh),
        lambda x, h, wi, wh: gru_ref(x, h, wi, wh),
        _rnn_shapes(3, 1, False),
        domain=(-1.0, 1.0),
    ),
]


# -- fixed point (Almeida-Pineda) ---------------------------------------------------------
def _fp_make(rng: np.random.Generator, shape: tuple[int, ...], i: int) -> np.ndarray:
    a = rng.uniform(-1.0, 1.0, size=shape)
    if i == 1:  # the recurrent weight: spectral norm 0.6, so the iteration contracts
        a *= 0.6 / np.linalg.norm(a, 2)
    return a


def _fp_tol(x) -> float:
    return 1e-13 if x.dtype == np.float64 else 1e-5


def fixed_point_ref(x, w, u, b=0.0, act=np.tanh):
    s = np.zeros((x.shape[0], w.shape[0]))
    for _ in range(2000):  # far more plain iterations than a 0.6-contraction needs
        s = act(s @ w.T + x @ u.T + b)
    return s


_SIG = ("sigmoid", lambda a: 1.0 / (1.0 + np.exp(-a)))
for act_name, act_fn, step in (("tanh", np.tanh, 1.0), (*_SIG, 1.0), ("tanh", np.tanh, 0.5)):
    ENTRIES.append(
        OpEntry(
            f"fixed_point/{act_name}/step{step}",
            ("FixedPoint",),
            lambda x, w, u, b, a=act_name, st=step: FixedPoint.apply(
                x, w, u, b, activation=a, tol=_fp_tol(x), max_iter=5000, step_size=st
            ),
            lambda x, w, u, b, f=act_fn: fixed_point_ref(x, w, u, b, f),
            [((3, 2), (4, 4), (4, 2), (4,)), ((1, 3), (2, 2), (2, 3), (2,))],
            make=_fp_make,
            fwd_atol=1e-10,
            fwd_rtol=1e-8,
        )
    )
ENTRIES.append(
    OpEntry(
        "fixed_point/no-bias",
        ("FixedPoint",),
        lambda x, w, u: FixedPoint.apply(x, w, u, tol=_fp_tol(x), max_iter=5000),
        lambda x, w, u: fixed_point_ref(x, w, u),
        [((3, 2), (4, 4), (4, 2))],
        make=_fp_make,
        fwd_atol=1e-10,
        fwd_rtol=1e-8,
    )
)
