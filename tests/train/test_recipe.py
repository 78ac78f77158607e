"""The CLI's building blocks: data by name, MLP builder, optimizers, targets."""

from __future__ import annotations

import numpy as np
import pytest

from retrograd import nn, optim
from retrograd.train import recipe


def test_load_task_digits_is_stratified_and_standardized():
    task = recipe.load_task({"dataset": "digits", "seed": 0, "test_size": 0.2, "standardize": True})
    assert task.X_train.shape[1] == 64 and task.n_classes == 10
    assert len(task.X_test) == pytest.approx(0.2 * 1797, abs=2)
    assert np.allclose(task.X_train.mean(axis=0), 0, atol=1e-4)
    # every class appears in the test part in about its overall proportion
    counts = np.bincount(task.y_test, minlength=10)
    assert counts.min() >= 30
    again = recipe.load_task(
        {
            "dataset": "digits",
            "seed": 0,
            "test_size": 0.2,
            "standardize": True,
            "mean": task.mean.tolist(),
            "std": task.std.tolist(),
        }
    )
    np.testing.assert_array_equal(again.X_test, task.X_test)


def test_small_sets_are_tested_on_training_data():
    task = recipe.load_task({"dataset": "xor"})
    assert task.tested_on_train and len(task.X_test) == 4


def test_generators_take_samples_and_noise():
    task = recipe.load_task({"dataset": "moons", "n_samples": 200, "noise": 0.1, "seed": 1})
    assert len(task.X_train) + len(task.X_test) == 200 and task.n_features == 2


def test_csv_text_labels(tmp_path):
    p = tmp_path / "pts.csv"
    rows = ["a,b,kind"] + [f"{i},{i % 3},{'cat' if i % 2 else 'dog'}" for i in range(20)]
    p.write_text("\n".join(rows) + "\n")
    task = recipe.load_task({"csv": str(p), "label_column": "kind", "test_size": 0.25})
    assert task.class_names == ["cat", "dog"] and task.n_features == 2


def test_build_mlp_and_optimizer():
    model = recipe.build_mlp(4, [8, 6], 3, "tanh", "log_softmax", seed=0, dropout=0.1)
    kinds = [type(m).__name__ for m in model]
    assert kinds == [
        "Linear",
        "Tanh",
        "Dropout",
        "Linear",
        "Tanh",
        "Dropout",
        "Linear",
        "LogSoftmax",
    ]
    same = recipe.build_mlp(4, [8, 6], 3, "tanh", "log_softmax", seed=0, dropout=0.1)
    np.testing.assert_array_equal(model[0].weight.data, same[0].weight.data)
    opt = recipe.build_optimizer("adam", model.parameters())
    assert isinstance(opt, optim.Adam) and opt.param_groups[0]["lr"] == 0.001
    with pytest.raises(ValueError, match="unknown optimizer"):
        recipe.build_optimizer("sgdd", model.parameters())
    with pytest.raises(ValueError, match="unknown activation"):
        recipe.build_mlp(2, [2], 2, "swishy")


def test_targets_and_heads():
    y = np.array([0, 2, 1])
    assert recipe.targets_for(y, "mse", 3).tolist() == np.eye(3)[y].tolist()
    assert recipe.targets_for(y, "cross_entropy", 3).dtype == np.int64
    assert recipe.output_units("bce_with_logits", 2) == 1
    with pytest.raises(ValueError, match="two classes"):
        recipe.output_units("bce", 3)
    assert recipe.parse_layers("64, 32") == [64, 32] and recipe.parse_layers("") == []
    with pytest.raises(ValueError, match="positive"):
        recipe.parse_layers("0")
    assert isinstance(recipe.build_mlp(2, [], 1)[0], nn.Linear)
