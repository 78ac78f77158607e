"""retrograd.sklearn: scikit-learn's own estimator checks, pipelines, and the MLP semantics."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")
pytest.importorskip("scipy")

from sklearn.base import clone  # noqa: E402
from sklearn.datasets import load_iris, make_regression  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

from retrograd import nn, optim  # noqa: E402
from retrograd.sklearn import MLPClassifier, MLPRegressor  # noqa: E402

# Each instance runs the whole scikit-learn suite; max_iter is kept small for time.
# The early-stopping instance cannot pass five checks, for the same reasons
# scikit-learn's own MLP cannot with early_stopping=True:
_EARLY = MLPClassifier(
    solver="sgd", learning_rate="adaptive", learning_rate_init=0.01, max_iter=50,
    early_stopping=True, random_state=0,
)  # fmt: skip
_TOO_SMALL = (
    "early_stopping holds out validation_fraction=0.1 of the data; the check fits on so "
    "few samples that the validation set has < 2 samples, which raises (as scikit-learn)"
)
_NO_PARTIAL = "partial_fit does not support early_stopping=True (as scikit-learn)"
_EXPECTED_FAILURES = {
    "check_fit2d_1feature": _TOO_SMALL,
    "check_n_features_in_after_fitting": _TOO_SMALL,
    "check_estimators_nan_inf": _NO_PARTIAL,
    "check_fit_score_takes_y": _NO_PARTIAL,
    "check_estimators_partial_fit_n_features": _NO_PARTIAL,
}


def _expected_failed(estimator):
    return _EXPECTED_FAILURES if estimator is _EARLY else {}


@parametrize_with_checks(
    [
        MLPClassifier(max_iter=100, random_state=0),
        MLPRegressor(max_iter=100, random_state=0),
        MLPClassifier(solver="lbfgs", max_iter=50, random_state=0),
        MLPRegressor(solver="cg", max_iter=50, random_state=0),
        _EARLY,
    ],
    expected_failed_checks=_expected_failed,
)
def test_sklearn_estimator_checks(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check(estimator)


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs", "cg"])
def test_every_solver_learns_iris(iris, solver):
    X, y = iris
    clf = MLPClassifier((16,), solver=solver, learning_rate_init=0.01, max_iter=300,
                        random_state=0)  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    assert clf.score(X, y) > 0.95
    assert clf.n_iter_ == len(clf.loss_curve_) > 0
    assert clf.loss_curve_[-1] < clf.loss_curve_[0]
    assert [c.shape for c in clf.coefs_] == [(4, 16), (16, 3)]
    assert [b.shape for b in clf.intercepts_] == [(16,), (3,)]
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-12)
    np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)], clf.predict(X))


def _sklearn_loss(clf, X, y):
    """scikit-learn's objective, recomputed in NumPy from coefs_/intercepts_."""
    a = X
    for i, (W, b) in enumerate(zip(clf.coefs_, clf.intercepts_)):
        a = a @ W.astype(np.float64) + b
        if i < len(clf.coefs_) - 1:
            a = np.tanh(a)
    a = a - a.max(axis=1, keepdims=True)
    logp = a - np.log(np.exp(a).sum(axis=1, keepdims=True))
    data = -logp[np.arange(len(y)), y].mean()
    l2 = sum((W.astype(np.float64) ** 2).sum() for W in clf.coefs_)
    return data + 0.5 * clf.alpha * l2 / len(y)


@pytest.mark.parametrize("solver", ["lbfgs", "cg"])
def test_full_batch_loss_is_sklearn_objective_with_l2(iris, solver):
    X, y = iris
    clf = MLPClassifier((8,), activation="tanh", solver=solver, alpha=0.5, max_iter=40,
                        random_state=1, dtype="float64")  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    assert clf.loss_ == pytest.approx(_sklearn_loss(clf, X, y), rel=1e-12)
    assert clf.loss_curve_[-1] == pytest.approx(clf.loss_, rel=1e-12)


def test_lbfgs_matches_sklearn_accuracy_and_loss(iris):
    from sklearn.neural_network import MLPClassifier as SkMLP

    X, y = iris
    params = dict(hidden_layer_sizes=(10,), activation="tanh", solver="lbfgs", alpha=1e-3,
                  max_iter=500, random_state=0)  # fmt: skip
    ours = MLPClassifier(**params, dtype="float64").fit(X, y)
    theirs = SkMLP(**params).fit(X, y)
    assert ours.score(X, y) >= theirs.score(X, y) - 0.02
    assert ours.loss_ < theirs.loss_ * 1.5 + 0.01  # a comparable minimum of the same objective


def test_early_stopping_curves_and_best_weights(iris):
    X, y = iris
    clf = MLPClassifier((16,), learning_rate_init=0.01, early_stopping=True,
                        validation_fraction=0.2, n_iter_no_change=5, max_iter=200,
                        random_state=0).fit(X, y)  # fmt: skip
    assert len(clf.validation_scores_) == len(clf.validation_loss_curve_) == clf.n_iter_
    assert clf.n_iter_ < 200  # stopped by the rule, not by max_iter
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert all(np.isfinite(clf.validation_loss_curve_))
    # without early stopping there are no validation curves (scikit-learn's convention)
    plain = MLPClassifier((4,), max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        plain.fit(X, y)
    assert plain.validation_scores_ is None and plain.validation_loss_curve_ is None


def test_stopping_rule_and_sgd_schedules_match_sklearn(iris):
    from sklearn.neural_network import MLPClassifier as SkMLP

    X, y = iris
    cases = [
        dict(learning_rate_init=0.05, tol=10.0, n_iter_no_change=3, max_iter=100),
        dict(solver="sgd", learning_rate="adaptive", tol=10.0, n_iter_no_change=2, max_iter=12),
        dict(solver="sgd", learning_rate="invscaling", learning_rate_init=0.1, max_iter=3),
    ]
    for params in cases:
        ours = MLPClassifier((8,), random_state=0, **params)
        theirs = SkMLP((8,), random_state=0, **params)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            ours.fit(X, y)
            theirs.fit(X, y)
        assert ours.n_iter_ == theirs.n_iter_ and ours.t_ == theirs.t_
        if params.get("solver") == "sgd":
            lr = ours._optimizer.param_groups[0]["lr"]
            assert lr == pytest.approx(theirs._optimizer.learning_rate)
    assert ours.n_iter_ == 3 and lr == pytest.approx(0.1 / (3 * 150 + 1) ** 0.5)


def test_partial_fit_and_warm_start(iris):
    X, y = iris
    clf = MLPClassifier((16,), learning_rate_init=0.01, random_state=0)
    with pytest.raises(ValueError, match="classes"):
        clf.partial_fit(X[:10], y[:10])
    clf.partial_fit(X[:50], y[:50], classes=[0, 1, 2])
    for _ in range(30):
        clf.partial_fit(X, y)
    assert clf.n_iter_ == 31 and clf.score(X, y) > 0.8  # scikit-learn's own: 0.847
    assert not hasattr(MLPClassifier(solver="lbfgs"), "partial_fit")
    warm = MLPClassifier((16,), max_iter=5, warm_start=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warm.fit(X, y)
        first = warm.coefs_[0].copy()
        warm.fit(X, y)
    assert warm.n_iter_ == 10 and not np.array_equal(first, warm.coefs_[0])


def test_pipeline_gridsearch_cross_val_clone_pickle():
    X, y = load_iris(return_X_y=True)
    pipe = make_pipeline(StandardScaler(), MLPClassifier((16,), solver="lbfgs", max_iter=200,
                                                         random_state=0))  # fmt: skip
    scores = cross_val_score(pipe, X, y, cv=3)
    assert scores.mean() > 0.9
    grid = GridSearchCV(pipe, {"mlpclassifier__hidden_layer_sizes": [(4,), (16,)]}, cv=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        grid.fit(X, y)
    assert grid.best_params_["mlpclassifier__hidden_layer_sizes"] in [(4,), (16,)]
    assert grid.score(X, y) > 0.9
    fitted = pipe.fit(X, y)
    again = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(again.predict_proba(X), fitted.predict_proba(X))
    fresh = clone(fitted)
    assert not hasattr(fresh[-1], "model_") and fresh.get_params()["mlpclassifier__max_iter"] == 200


def test_regressor_fits_and_reports_half_mse():
    X, y = make_regression(n_samples=200, n_features=5, noise=0.1, random_state=0)
    y = y / y.std()
    reg = MLPRegressor(hidden_layer_sizes=(32,), solver="lbfgs", max_iter=500, alpha=0.0,
                       random_state=0, dtype="float64").fit(X, y)  # fmt: skip
    assert reg.score(X, y) > 0.99
    assert reg.loss_ == pytest.approx(0.5 * np.mean((reg.predict(X) - y) ** 2), rel=1e-8)
    multi = MLPRegressor(hidden_layer_sizes=(16,), max_iter=50, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        multi.fit(X, np.c_[y, -y])
    assert multi.predict(X).shape == (200, 2) and multi.n_outputs_ == 2


def test_poisson_regressor_reaches_sklearns_deviance():
    from sklearn.neural_network import MLPRegressor as SkMLP

    rng = np.random.default_rng(0)
    X = rng.normal(size=(1000, 3))
    rate = np.exp(0.5 * X[:, 0])
    y = rng.poisson(rate)
    params = dict(loss="poisson", hidden_layer_sizes=(8,), solver="lbfgs", max_iter=200,
                  alpha=1.0, random_state=0)  # fmt: skip
    with warnings.catch_warnings():  # float32 line searches may end ABNORMAL here (as theirs)
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg = MLPRegressor(**params).fit(X, y)
    assert reg.out_activation_ == "exp" and (reg.predict(X) > 0).all()
    assert np.corrcoef(reg.predict(X), rate)[0, 1] > 0.85
    # the same objective (half Poisson deviance + L2) reaches at least scikit-learn's value
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        theirs = SkMLP(**params).fit(X, y)
    assert reg.loss_ <= theirs.loss_ * 1.02


def test_binary_and_multilabel_outputs(iris):
    X, y = iris
    yb = np.where(y == 0, "setosa", "other")
    clf = MLPClassifier((8,), solver="lbfgs", random_state=0).fit(X, yb)
    assert clf.out_activation_ == "logistic" and clf.coefs_[-1].shape == (8, 1)
    assert clf.predict_proba(X).shape == (150, 2) and set(clf.predict(X)) <= set(yb)
    assert clf.score(X, yb) == 1.0
    Y = np.c_[y == 0, y == 2].astype(int)
    ml = MLPClassifier((8,), solver="lbfgs", random_state=0).fit(X, Y)
    assert ml.predict(X).shape == (150, 2) and ml.score(X, Y) > 0.9


def test_model_is_a_retrograd_network_trained_by_fit(iris, monkeypatch):
    import retrograd.sklearn as rsk

    calls = []
    real_fit = rsk.fit
    monkeypatch.setattr(rsk, "fit", lambda *a, **k: calls.append(k) or real_fit(*a, **k))
    X, y = iris
    clf = MLPClassifier((5, 4), activation="logistic", max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    assert len(calls) == 1 and calls[0]["epochs"] == 2
    assert isinstance(clf.model_, nn.Sequential)
    kinds = [type(m).__name__ for m in clf.model_]
    assert kinds == ["Linear", "Sigmoid", "Linear", "Sigmoid", "Linear"]
    assert isinstance(clf._optimizer, optim.Adam)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"solver": "newton"}, "solver"),
        ({"activation": "swish"}, "activation"),
        ({"hidden_layer_sizes": (4, 0)}, "hidden_layer_sizes"),
        ({"learning_rate_init": 0.0}, "learning_rate_init"),
        ({"batch_size": 0}, "batch_size"),
        ({"validation_fraction": 1.0}, "validation_fraction"),
    ],
)
def test_bad_parameters_raise_clear_errors_at_fit(iris, params, match):
    X, y = iris
    clf = MLPClassifier(**params)  # no error at construction (scikit-learn's rule)
    with pytest.raises(ValueError, match=match):
        clf.fit(X, y)


def test_wrong_feature_count_names_both_sizes(iris):
    X, y = iris
    clf = MLPClassifier((4,), solver="lbfgs", max_iter=20, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    with pytest.raises(ValueError, match="3 features.*expecting 4"):
        clf.predict(X[:, :3])


def test_docstring_examples_run():
    import doctest

    import retrograd.sklearn as module

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_convergence_warning_and_verbose_output(iris, solver, capsys):
    X, y = iris
    clf = MLPClassifier((4,), solver=solver, max_iter=2, verbose=True, random_state=0)
    with pytest.warns(ConvergenceWarning, match="2"):
        clf.fit(X, y)
    out = capsys.readouterr().out
    assert "Iteration 1, loss = " in out and clf.n_iter_ == 2


def test_l2_penalty_node_value_and_gradient():
    import retrograd as rg
    from retrograd.sklearn import _L2Penalty

    rng = np.random.default_rng(0)
    ws = [
        rg.tensor(rng.normal(size=s), requires_grad=True, dtype="float64") for s in [(3, 4), (2, 3)]
    ]
    loss = rg.tensor(rng.normal(), requires_grad=True, dtype="float64")
    out = _L2Penalty.apply(loss, *ws, scale=0.7)
    want = float(loss.data) + 0.7 * sum(float((w.data**2).sum()) for w in ws)
    assert float(out.data) == pytest.approx(want, rel=1e-12)
    assert rg.gradcheck(lambda l, a, b: _L2Penalty.apply(l, a, b, scale=0.7), [loss, *ws])


# -- reproducing scikit-learn: the same random_state gives the same training ---------------


def _digits_subset():
    from retrograd.data import load_digits

    X, y = load_digits()
    return X[:400].astype(np.float64) / 16.0, y[:400]


@pytest.mark.parametrize(
    "params",
    [
        dict(solver="sgd", momentum=0.9),  # Nesterov, scikit-learn's default
        dict(solver="sgd", momentum=0.5, nesterovs_momentum=False, activation="tanh"),
        dict(solver="adam"),
        dict(solver="adam", hidden_layer_sizes=(15, 7), alpha=1e-2, activation="logistic"),
        dict(solver="adam", shuffle=False),
        dict(solver="lbfgs", max_iter=15),
        dict(solver="sgd", learning_rate="invscaling", learning_rate_init=0.2),
        dict(solver="sgd", learning_rate="adaptive", tol=10.0, n_iter_no_change=1),
    ],
    ids=[
        "sgd-nesterov",
        "sgd-momentum-tanh",
        "adam",
        "adam-2-layers",
        "adam-no-shuffle",
        "lbfgs",
        "sgd-invscaling",
        "sgd-adaptive",
    ],  # fmt: skip
)
def test_float64_training_reproduces_scikit_learn(params):
    """Same initial weights (drawn as scikit-learn draws them), same mini-batches (its
    shuffling), same loss, penalty and update rules: in float64 the fitted weights equal
    scikit-learn's to rounding -- a numerical oracle for the whole estimator."""
    from sklearn.neural_network import MLPClassifier as SkMLP

    X, y = _digits_subset()
    p = dict(hidden_layer_sizes=(12,), max_iter=8, random_state=5, batch_size=50,
             learning_rate_init=0.01)  # fmt: skip
    p.update(params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        theirs = SkMLP(**p).fit(X, y)
        ours = MLPClassifier(dtype="float64", **p).fit(X, y)
    assert ours.n_iter_ == theirs.n_iter_
    if p.get("learning_rate") == "adaptive":  # the rate was cut (by 5) during the run
        assert (
            ours._optimizer.param_groups[0]["lr"] == pytest.approx(theirs._optimizer.learning_rate)
            and theirs._optimizer.learning_rate < p["learning_rate_init"] / 4
        )
    for a, b in zip([*ours.coefs_, *ours.intercepts_], [*theirs.coefs_, *theirs.intercepts_]):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
    if p["solver"] != "lbfgs":
        np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-10)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))


def test_float64_regression_and_binary_outputs_reproduce_scikit_learn():
    from sklearn.neural_network import MLPClassifier as SkMLP
    from sklearn.neural_network import MLPRegressor as SkReg

    X, y = _digits_subset()
    p = dict(hidden_layer_sizes=(10,), max_iter=6, random_state=2, batch_size=40)
    pairs = [(MLPClassifier, SkMLP, (y > 4).astype(int)), (MLPRegressor, SkReg, X[:, 20])]
    for ours_cls, theirs_cls, target in pairs:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            theirs = theirs_cls(**p).fit(X, target)
            ours = ours_cls(dtype="float64", **p).fit(X, target)
        for a, b in zip(ours.coefs_, theirs.coefs_):
            np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


def test_float32_training_starts_from_scikit_learns_weights_and_stays_close():
    """The default float32 run sees the same start and batches; after a few epochs its
    weights are still close to scikit-learn's float64 ones (rounding, not a different run)."""
    from sklearn.neural_network import MLPClassifier as SkMLP

    X, y = _digits_subset()
    p = dict(hidden_layer_sizes=(12,), random_state=7, batch_size=50, solver="adam")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start_theirs = SkMLP(max_iter=1, learning_rate_init=1e-12, **p).fit(X, y)
        start_ours = MLPClassifier(max_iter=1, learning_rate_init=1e-12, **p).fit(X, y)
        theirs = SkMLP(max_iter=5, **p).fit(X, y)
        ours = MLPClassifier(max_iter=5, **p).fit(X, y)
    np.testing.assert_allclose(start_ours.coefs_[0], start_theirs.coefs_[0], rtol=1e-6, atol=1e-7)
    for a, b in zip(ours.coefs_, theirs.coefs_):
        np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-4)
