"""Model files: bit-exact round trips for every built-in layer; hostile files execute nothing."""

from __future__ import annotations

import io
import json
import pickle
import zipfile

import numpy as np
import pytest

import retrograd as rg
from retrograd import nn
from retrograd.io.architecture import layer_whitelist
from retrograd.io.archive import FileFormatError
from retrograd.io.finite import NonFiniteWeightsError
from retrograd.io.model_file import load, load_metadata, save


def _rng(seed=0):
    return np.random.default_rng(seed)


def _examples() -> dict[str, list[nn.Module]]:
    """At least one instance per whitelisted class, with non-default settings where possible."""
    bn1 = nn.BatchNorm1d(4, momentum=0.3)
    bn1(rg.tensor(_rng().normal(size=(8, 4))))  # running stats now differ from their init
    bn2 = nn.BatchNorm2d(2, affine=False)
    bn2(rg.tensor(_rng().normal(size=(3, 2, 4, 4))))
    return {
        "Linear": [nn.Linear(3, 2, rng=_rng()), nn.Linear(3, 2, bias=False)],
        "Conv1d": [nn.Conv1d(2, 3, 3, stride=2, padding=1, rng=_rng())],
        "Conv2d": [nn.Conv2d(2, 4, (3, 2), padding=1, groups=2, bias=False)],
        "Embedding": [nn.Embedding(10, 4, padding_idx=0)],
        "BatchNorm1d": [bn1],
        "BatchNorm2d": [bn2],
        "LayerNorm": [nn.LayerNorm([2, 3], eps=1e-3)],
        "GroupNorm": [nn.GroupNorm(2, 4), nn.GroupNorm(1, 3, affine=False)],
        "RNN": [nn.RNN(3, 4, num_layers=2, nonlinearity="relu", batch_first=True,
                       bidirectional=True)],
        "LSTM": [nn.LSTM(3, 4, num_layers=2, dropout=0.1)],
        "GRU": [nn.GRU(3, 5, bias=False)],
        "RNNCell": [nn.RNNCell(3, 4, nonlinearity="relu")],
        "LSTMCell": [nn.LSTMCell(3, 4)],
        "GRUCell": [nn.GRUCell(3, 4)],
        "FixedPointLayer": [nn.FixedPointLayer(3, 4, activation="tanh", max_iter=50)],
        "AdaptiveAvgPool2d": [nn.AdaptiveAvgPool2d((2, None))],
        "AvgPool1d": [nn.AvgPool1d(3, stride=2, padding=1, count_include_pad=False)],
        "AvgPool2d": [nn.AvgPool2d(2)],
        "MaxPool1d": [nn.MaxPool1d(2, dilation=2)],
        "MaxPool2d": [nn.MaxPool2d((2, 3), stride=1)],
        "Flatten": [nn.Flatten(start_dim=2)],
        "Dropout": [nn.Dropout(0.3)],
        "ELU": [nn.ELU(0.5)], "GELU": [nn.GELU()], "Identity": [nn.Identity()],
        "LeakyReLU": [nn.LeakyReLU(0.2)], "LogSoftmax": [nn.LogSoftmax(axis=0)],
        "ReLU": [nn.ReLU()], "Sigmoid": [nn.Sigmoid()], "Softmax": [nn.Softmax(axis=1)],
        "Softplus": [nn.Softplus()], "Tanh": [nn.Tanh()],
        "BCELoss": [nn.BCELoss(reduction="sum")], "BCEWithLogitsLoss": [nn.BCEWithLogitsLoss()],
        "CrossEntropyLoss": [nn.CrossEntropyLoss(label_smoothing=0.1)],
        "HalfSSELoss": [nn.HalfSSELoss()], "HuberLoss": [nn.HuberLoss(delta=2.0)],
        "MSELoss": [nn.MSELoss()], "NLLLoss": [nn.NLLLoss()],
        "Sequential": [nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1)),
                       nn.Sequential({"hidden": nn.Linear(2, 3), "act": nn.ReLU()})],
        "ModuleList": [nn.ModuleList([nn.Linear(2, 2), nn.ModuleList([nn.Linear(2, 1)])])],
        "ModuleDict": [nn.ModuleDict({"enc": nn.Linear(4, 2), "dec": nn.Linear(2, 4)})],
    }  # fmt: skip


def _default_instance(cls):
    try:
        return cls()
    except TypeError:  # needs arguments: must be listed in _examples()
        return None


def _all_examples() -> dict[str, list[nn.Module]]:
    """The explicit examples plus a default instance of every other whitelisted layer."""
    examples = _examples()
    for name, cls in layer_whitelist().items():
        if name not in examples and _default_instance(cls) is not None:
            examples[name] = [_default_instance(cls)]
    return examples


def test_every_whitelisted_layer_has_an_example():
    missing = sorted(set(layer_whitelist()) - set(_all_examples()))
    assert not missing, f"add model-file examples for {missing} in tests/io/test_model_file.py"


def _assert_same_state(a: nn.Module, b: nn.Module):
    sa, sb = a.state_dict(), b.state_dict()
    assert list(sa) == list(sb)
    for k in sa:
        assert sa[k].dtype == sb[k].dtype and sa[k].shape == sb[k].shape, k
        assert sa[k].tobytes() == sb[k].tobytes(), k  # bit for bit


def _flat_examples():
    return [(name, i, m) for name, ms in _all_examples().items() for i, m in enumerate(ms)]


@pytest.mark.parametrize("name,i,layer", _flat_examples(), ids=lambda v: str(v)[:24])
def test_round_trip_every_layer_bit_exact(tmp_path, name, i, layer):
    path = tmp_path / f"{name}{i}.npz"
    layer.eval() if i % 2 else layer.train()
    save(layer, path)
    back = load(path)
    assert type(back) is type(layer)
    assert back.get_config() == layer.get_config()
    assert back.training == layer.training
    _assert_same_state(layer, back)
    assert repr(back) == repr(layer)


def test_loaded_mlp_and_cnn_compute_the_same_outputs(tmp_path):
    mlp = nn.Sequential(nn.Linear(64, 32, rng=_rng(1)), nn.ReLU(), nn.Linear(32, 10, rng=_rng(2)))
    cnn = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1, rng=_rng(3)), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(4 * 4 * 4, 10, rng=_rng(4)),
    )  # fmt: skip
    for model, x in ((mlp, _rng(5).random((5, 64))), (cnn, _rng(6).random((5, 1, 8, 8)))):
        save(model, tmp_path / "m.npz")
        back = load(tmp_path / "m.npz")
        xt = rg.tensor(x)
        assert model(xt).data.tobytes() == back(xt).data.tobytes()


def test_float64_model_stays_float64(tmp_path):
    model = nn.Sequential(nn.Linear(3, 2, dtype=np.float64), nn.Sigmoid())
    save(model, tmp_path / "m.npz")
    back = load(tmp_path / "m.npz")
    assert back[0].weight.dtype == np.float64
    _assert_same_state(model, back)


def test_metadata_round_trip_and_load_metadata(tmp_path):
    model = nn.Linear(2, 2)
    meta = {"classes": ["cat", "dog"], "mean": np.array([0.5, 0.25]), "acc": 0.97}
    save(model, tmp_path / "m.npz", metadata=meta)
    info = load_metadata(tmp_path / "m.npz")
    assert info["metadata"]["classes"] == ["cat", "dog"] and info["metadata"]["acc"] == 0.97
    np.testing.assert_array_equal(info["metadata"]["mean"], meta["mean"])
    assert info["architecture"]["type"] == "Linear" and info["num_values"] == 6


def test_rg_save_and_load_are_the_model_file_functions(tmp_path):
    model = nn.Sequential(nn.Linear(2, 2))
    rg.save(model, tmp_path / "m.npz")
    _assert_same_state(model, rg.load(tmp_path / "m.npz"))


def test_non_finite_weights_are_not_saved(tmp_path):
    model = nn.Linear(2, 2)
    model.weight.data[0, 0] = np.nan
    with pytest.raises(NonFiniteWeightsError, match="weight"):
        save(model, tmp_path / "m.npz")
    assert not (tmp_path / "m.npz").exists()


class Block(nn.Module):
    """A user-defined layer with its own get_config."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self.width = width
        self.inner = nn.Linear(width, width)

    def forward(self, x):
        return self.inner(x).tanh()


def test_custom_layers_load_only_when_the_caller_allows_them(tmp_path):
    model = nn.Sequential(Block(3), nn.Linear(3, 1))
    save(model, tmp_path / "m.npz")
    with pytest.raises(FileFormatError, match="unknown layer type 'Block'"):
        load(tmp_path / "m.npz")
    back = load(tmp_path / "m.npz", custom_layers={"Block": Block})
    _assert_same_state(model, back)


def test_only_modules_can_be_saved(tmp_path):
    with pytest.raises(TypeError, match="expected a retrograd.nn.Module, got dict"):
        save({"w": np.ones(2)}, tmp_path / "m.npz")


def test_subclassed_container_cannot_be_saved(tmp_path):
    class MySeq(nn.Sequential):
        pass

    with pytest.raises(TypeError, match="MySeq"):
        save(MySeq(nn.Linear(1, 1)), tmp_path / "m.npz")


# -- hostile and broken files ------------------------------------------------------------
class Boom:
    """Unpickling this creates a marker file (stands in for arbitrary code)."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _good_file(tmp_path):
    path = tmp_path / "good.npz"
    save(nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)), path)
    return path


def _rewrite(src, dst, replace: dict[str, bytes]):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = replace.pop(info.filename, None)
            zout.writestr(info.filename, zin.read(info) if data is None else data)
        for name, data in replace.items():
            zout.writestr(name, data)


def _edit_header(src, dst, edit):
    with zipfile.ZipFile(src) as z:
        header = json.loads(z.read("header.json"))
    edit(header["tree"])
    _rewrite(src, dst, {"header.json": json.dumps(header).encode()})


def test_plain_pickle_file_is_refused_and_never_executed(tmp_path):
    marker = tmp_path / "PWNED"
    path = tmp_path / "model.npz"
    path.write_bytes(pickle.dumps(Boom(str(marker))))
    with pytest.raises(FileFormatError, match="pickle"):
        load(path)
    assert not marker.exists()


def test_pickle_inside_the_archive_is_refused_and_never_executed(tmp_path):
    marker = tmp_path / "PWNED"
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.array([Boom(str(marker))], dtype=object), allow_pickle=True)
    hostile = tmp_path / "hostile.npz"
    _rewrite(_good_file(tmp_path), hostile, {"weights/0.weight.npy": buf.getvalue()})
    with pytest.raises(FileFormatError, match="object arrays"):
        load(hostile)
    assert not marker.exists()
    # a pickle smuggled in as an extra member is refused as well
    _rewrite(_good_file(tmp_path), hostile, {"model.pkl": pickle.dumps(Boom(str(marker)))})
    with pytest.raises(FileFormatError, match="unexpected member"):
        load(hostile)
    assert not marker.exists()


def test_header_whose_sizes_lie_is_refused(tmp_path):
    good = _good_file(tmp_path)
    with zipfile.ZipFile(good) as z:
        npy = z.read("weights/0.weight.npy")
    lying = npy.replace(b"(3, 2)", b"(30, 2)")[: len(npy)]  # claims 10x the data
    path = tmp_path / "lying.npz"
    _rewrite(good, path, {"weights/0.weight.npy": lying})
    with pytest.raises(FileFormatError, match="header says shape"):
        load(path)


def test_truncated_and_corrupted_files_are_refused(tmp_path):
    data = _good_file(tmp_path).read_bytes()
    for cut in (10, len(data) // 3, len(data) - 1):
        path = tmp_path / "cut.npz"
        path.write_bytes(data[:cut])
        with pytest.raises(FileFormatError):
            load(path)


@pytest.mark.parametrize(
    "edit,message",
    [
        (lambda t: t["architecture"]["children"][0][1].update(type="os.system"),
         "unknown layer type 'os.system'"),
        (lambda t: t["architecture"]["children"][0][1].update(type="Module"),
         "unknown layer type 'Module'"),
        (lambda t: t["architecture"]["children"][0][1]["config"].update(command="rm -rf /"),
         r"unexpected config keys \['command'\]"),
        (lambda t: t["architecture"]["children"][0][1]["config"].update(dtype="object"),
         r"unexpected config keys \['dtype'\]"),
        (lambda t: t["architecture"]["children"][0][1]["config"].update(in_features=10**7,
                                                                      out_features=10**7),
         "implausibly large"),
        (lambda t: t["architecture"]["children"][0][1]["config"].update(in_features=5),
         "do not fit the architecture"),
        (lambda t: t["architecture"]["children"][0][1]["config"].update(in_features="two"),
         "cannot build Linear"),
        (lambda t: t["architecture"].update(children="nope"), "malformed children"),
        (lambda t: t.update(extra=1), "unexpected contents"),
    ],
    ids=["import-path", "base-Module", "extra-key", "dtype-key", "huge-sizes", "wrong-size",
         "wrong-type", "bad-children", "extra-entry"],
)  # fmt: skip
def test_hostile_architectures_are_refused(tmp_path, edit, message):
    path = tmp_path / "edited.npz"
    _edit_header(_good_file(tmp_path), path, edit)
    with pytest.raises(FileFormatError, match=message):
        load(path)


def test_checkpoint_file_is_not_a_model_file(tmp_path):
    from retrograd.io.checkpoint import save_checkpoint

    save_checkpoint(tmp_path / "c.npz", nn.Linear(1, 1))
    with pytest.raises(FileFormatError, match="retrograd-checkpoint"):
        load(tmp_path / "c.npz")


def test_plain_numpy_npz_gets_a_hint(tmp_path):
    np.savez(tmp_path / "w.npz", weight=np.ones((2, 2)))
    with pytest.raises(FileFormatError, match="plain NumPy .npz.*load_state_dict"):
        load(tmp_path / "w.npz")


def test_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "nope.npz")
