"""Resume stays bit-exact when dropout draws from the shared generator (no ``rng=``)."""

from __future__ import annotations

import numpy as np

from retrograd import nn, optim
from retrograd.io.checkpoint import load_checkpoint
from retrograd.train import fit


def _model() -> nn.Sequential:
    rng = np.random.default_rng(3)
    return nn.Sequential(
        nn.Linear(2, 16, rng=rng),
        nn.ReLU(),
        nn.Dropout(0.3),  # no rng=: draws from nn.init's shared generator
        nn.Linear(16, 2, rng=rng),
    )


def _run(data, epochs, **kw):
    model = _model()
    opt = optim.Adam(model.parameters(), lr=0.01)
    fit(model, "cross_entropy", opt, data, epochs=epochs, batch_size=8, seed=5, verbose=0, **kw)
    return model


def test_resume_with_plain_dropout_is_bit_identical(tmp_path, blobs):
    nn.init.manual_seed(0)
    straight = _run(blobs, 4)

    nn.init.manual_seed(0)
    _run(blobs, 2, checkpoint=tmp_path / "ckpt.npz")
    assert load_checkpoint(tmp_path / "ckpt.npz")["epoch"] == 2

    # a fresh process: the shared generator is somewhere else entirely
    nn.init.manual_seed(1234)
    nn.init.default_rng().random(1000)
    resumed = _run(blobs, 4, checkpoint=tmp_path / "ckpt.npz", resume=True)

    final, again = straight.state_dict(), resumed.state_dict()
    assert final.keys() == again.keys()
    for k in final:
        assert np.array_equal(again[k], final[k]), k
        assert again[k].tobytes() == final[k].tobytes(), k


def test_resume_restores_the_shared_generator_state(tmp_path, blobs):
    nn.init.manual_seed(0)
    _run(blobs, 2, checkpoint=tmp_path / "ckpt.npz")
    expected = nn.init.default_rng().random(5)  # what epoch 3 would draw first

    nn.init.manual_seed(0)
    _run(blobs, 2, checkpoint=tmp_path / "ckpt2.npz")
    nn.init.manual_seed(77)
    _run(blobs, 2, checkpoint=tmp_path / "ckpt2.npz", resume=True)  # already done: restore only
    assert np.array_equal(nn.init.default_rng().random(5), expected)
