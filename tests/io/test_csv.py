"""CSV loading: label columns by index or name, header detection, clear errors."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from retrograd.data import train_test_split
from retrograd.io.csv import CSVFormatError, load_csv, save_csv


def _write(tmp_path, text, name="t.csv"):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_header_detected_and_label_by_name(tmp_path):
    p = _write(tmp_path, "a,b,label,c\n1,2,0,3\n4,5,1,6\n\n7,8,1,9\n")
    X, y = load_csv(p, label_column="label")
    np.testing.assert_array_equal(X, [[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    assert X.dtype == np.float32 and y.dtype == np.int64 and y.tolist() == [0, 1, 1]


def test_no_header_label_by_index(tmp_path):
    p = _write(tmp_path, "3,1.5,2\n1,-2.5e-1,4\n")
    X, y = load_csv(p, label_column=0)
    np.testing.assert_array_equal(X, np.array([[1.5, 2], [-0.25, 4]], dtype=np.float32))
    assert y.tolist() == [3, 1]


def test_text_labels_become_sorted_class_indices(tmp_path):
    p = _write(tmp_path, "x,species\n1,virginica\n2,setosa\n3,virginica\n")
    X, y, classes = load_csv(p, label_column=-1, return_classes=True)
    assert classes == ["setosa", "virginica"] and y.tolist() == [1, 0, 1]


def test_float_labels_stay_regression_targets(tmp_path):
    X, y = load_csv(_write(tmp_path, "1,0.5\n2,1.25\n"), dtype=np.float64)
    assert y.dtype == np.float64 and y.tolist() == [0.5, 1.25] and X.dtype == np.float64


def test_features_only_and_explicit_header(tmp_path):
    X, y = load_csv(_write(tmp_path, "1,2\n3,4\n"), label_column=None)
    assert X.shape == (2, 2) and y is None
    X, _ = load_csv(_write(tmp_path, "10,20\n3,4\n"), label_column=None, header=True)
    assert X.tolist() == [[3, 4]]


def test_semicolon_and_gzip(tmp_path):
    p = tmp_path / "t.csv.gz"
    p.write_bytes(gzip.compress(b"f1;f2;y\n1;2;0\n3;4;1\n"))
    X, y = load_csv(p, delimiter=";")
    assert X.shape == (2, 2) and y.tolist() == [0, 1]


@pytest.mark.parametrize(
    "text,kwargs,message",
    [
        ("a,b,y\n1,2,0\n3,oops,1\n", {}, r"line 3, column 2 \('b'\): 'oops' is not a number"),
        ("1,2,0\n3,,1\n", {}, r"line 2, column 2: an empty value \(missing data\)"),
        ("a,b,y\n1,2,0\n3,4\n", {}, "line 3: 2 columns, expected 3"),
        ("a,b,y\n1,2,0\n", {"label_column": "z"}, r"no column named 'z'; columns are"),
        ("1,2,0\n", {"label_column": "y"}, "no header row"),
        ("1,2,0\n", {"label_column": 5}, "out of range for 3 columns"),
        ("a,b\n", {}, "no data rows"),
        ("\n\n", {}, "empty"),
    ],
    ids=["text-feature", "missing", "ragged", "bad-name", "name-no-header", "bad-index",
         "header-only", "empty"],
)  # fmt: skip
def test_errors_name_the_place(tmp_path, text, kwargs, message):
    with pytest.raises(CSVFormatError, match=message):
        load_csv(_write(tmp_path, text), **kwargs)


def test_save_then_load_round_trip_and_split(tmp_path, rng):
    X = rng.normal(size=(50, 3))
    y = rng.integers(0, 3, size=50)
    p = tmp_path / "out.csv"
    save_csv(p, X, y, header=["a", "b", "c", "label"])
    X2, y2 = load_csv(p, label_column="label", dtype=np.float64)
    np.testing.assert_array_equal(X2, X)  # repr() of floats reads back exactly
    np.testing.assert_array_equal(y2, y)
    X_tr, X_te, y_tr, y_te = train_test_split(X2, y2, test_size=0.2, seed=1)
    assert len(X_tr) == 40 and len(X_te) == 10
    with pytest.raises(ValueError, match="header names"):
        save_csv(p, X, y, header=["a"])
