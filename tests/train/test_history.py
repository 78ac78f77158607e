"""History: recording, plain-data round trip, JSON file."""

from __future__ import annotations

import json
import math

from retrograd.train import History


def test_record_and_round_trip(tmp_path):
    h = History()
    h.record(0, {"loss": 1.0, "accuracy": 0.5, "note": "ignored"})
    h.record(1, {"loss": 0.5, "accuracy": 0.75, "val_loss": 0.6})
    assert h.history["loss"] == [1.0, 0.5]
    assert math.isnan(h.history["val_loss"][0]) and h.history["val_loss"][1] == 0.6
    assert h.last("accuracy") == 0.75
    h.stop_reason = "because"
    again = History.from_dict(h.to_dict())
    assert again.history["loss"] == h.history["loss"] and again.stop_reason == "because"
    path = h.save_json(tmp_path / "sub" / "history.json")
    data = json.loads(path.read_text())
    assert data["history"]["val_loss"] == [None, 0.6]
    assert data["epoch"] == [0, 1]
