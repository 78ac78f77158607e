"""`retrograd predict`: labels (and probabilities) for .npy / CSV inputs and dataset splits."""

from __future__ import annotations

import numpy as np
import pytest

from retrograd.cli import main


@pytest.fixture(scope="module")
def blobs_model(tmp_path_factory):
    out = tmp_path_factory.mktemp("blobs")
    rc = main(
        [
            "train",
            "--dataset",
            "blobs",
            "--n-samples",
            "150",
            "--layers",
            "8",
            "--epochs",
            "20",
            "--quiet",
            "--no-plots",
            "--out",
            str(out),
        ]
    )
    assert rc == 0
    return out / "model.npz"


def _rows(text: str) -> list[list[str]]:
    return [line.split(",") for line in text.strip().splitlines()]


def test_predict_dataset_split_matches_evaluate(blobs_model, capsys):
    assert (
        main(["predict", str(blobs_model), "--dataset", "blobs", "--n-samples", "150", "--proba"])
        == 0
    )
    rows = _rows(capsys.readouterr().out)
    assert rows[0] == ["index", "label", "class", "p_0", "p_1", "p_2"]
    body = rows[1:]
    assert len(body) == 30
    probs = np.array([[float(v) for v in r[3:]] for r in body])
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-4)
    assert [int(r[1]) for r in body] == list(probs.argmax(axis=1))


def test_predict_npy_and_csv_inputs_agree(blobs_model, tmp_path, capsys):
    from retrograd.data import make_blobs

    X, _ = make_blobs(n_samples=10, seed=3)
    np.save(tmp_path / "x.npy", X)
    (tmp_path / "x.csv").write_text(
        "a,b,label\n" + "".join(f"{a},{b},0\n" for a, b in X.astype(np.float64))
    )
    assert main(["predict", str(blobs_model), "--input", str(tmp_path / "x.npy")]) == 0
    from_npy = capsys.readouterr().out
    out_csv = tmp_path / "pred.csv"
    assert (
        main(
            [
                "predict",
                str(blobs_model),
                "--input",
                str(tmp_path / "x.csv"),
                "--drop-column",
                "label",
                "--output",
                str(out_csv),
            ]
        )
        == 0
    )
    assert out_csv.read_text() == from_npy
    assert len(_rows(from_npy)) == 11


def test_predict_refuses_pickled_npy_and_wrong_width(blobs_model, tmp_path, capsys):
    np.save(tmp_path / "obj.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    assert main(["predict", str(blobs_model), "--input", str(tmp_path / "obj.npy")]) == 2
    assert "not a plain numeric .npy" in capsys.readouterr().err
    np.save(tmp_path / "wide.npy", np.zeros((3, 5)))
    assert main(["predict", str(blobs_model), "--input", str(tmp_path / "wide.npy")]) == 2
    assert "takes 2 features, the data has 5" in capsys.readouterr().err
