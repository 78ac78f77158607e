"""Config: validation with clear errors, caps, and the URL round trip."""

from __future__ import annotations

import pytest

from retrograd.playground.config import MAX_HIDDEN_LAYERS, MAX_NEURONS, Config, ConfigError


def test_defaults_are_valid_and_round_trip_through_the_query():
    c = Config().validate()
    assert Config.from_query(c.to_query()) == c


def test_query_strings_are_converted():
    c = Config.from_query(
        {"hidden": "8,4,2", "lr": "0.003", "features": "x1,x2,x1*x2", "seed": "7"}
    )
    assert c.hidden == [8, 4, 2] and c.lr == 0.003 and c.features == ["x1", "x2", "x1*x2"]
    assert c.seed == 7
    assert Config.from_query({"hidden": ""}).hidden == []  # no hidden layer: logistic regression


def test_base_keeps_unmentioned_fields():
    base = Config.from_query({"dataset": "spirals", "seed": "5"})
    c = Config.from_query({"lr": "0.1"}, base=base)
    assert (c.dataset, c.seed, c.lr) == ("spirals", 5, 0.1)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"dataset": "mnist"}, "dataset"),
        ({"activation": "swish"}, "activation"),
        ({"lr": "fast"}, "lr"),
        ({"lr": "nan"}, "lr"),
        ({"seed": "1.5"}, "seed"),
        ({"noise": "7"}, "noise"),
        ({"hidden": ",".join(["2"] * (MAX_HIDDEN_LAYERS + 1))}, "hidden layers"),
        ({"hidden": str(MAX_NEURONS + 1)}, "neurons"),
        ({"hidden": "0"}, "neurons"),
        ({"features": "x3"}, "features"),
        ({"features": ""}, "features"),
        ({"batch_size": "0"}, "batch_size"),
        ({"rm -rf": "1"}, "unknown setting"),
    ],
)
def test_bad_settings_name_the_field(query, message):
    with pytest.raises(ConfigError, match=message):
        Config.from_query(query)


def test_task_follows_loss_and_preset():
    assert Config().task == "classification"
    assert Config(loss="huber").task == "regression"
    assert Config(preset="textbook").task == "textbook"
