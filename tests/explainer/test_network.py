"""ExplainedNetwork: the narrated network built from retrograd ops (float64)."""

from __future__ import annotations

import numpy as np

from retrograd.explainer import make_spec, textbook_spec
from retrograd.explainer.network import ExplainedNetwork


def test_forward_retains_net_and_out_gradients():
    net = ExplainedNetwork(textbook_spec())
    layers, loss = net.forward([[0.05, 0.10]], [[0.01, 0.99]])
    loss.backward()
    for lt in layers:
        assert lt.net.grad is not None and lt.out.grad is not None
        assert lt.net.dtype == np.float64
    # the shared bias b1 is one parameter; its gradient sums both hidden neurons' deltas
    np.testing.assert_allclose(net.biases[0].grad, layers[0].net.grad.sum(axis=1))


def test_output_errors_sum_to_each_samples_loss():
    for loss in ("half_sse", "mse", "cross_entropy"):
        targets = [0, 1] if loss == "cross_entropy" else [[0.2, 0.8], [1.0, 0.0]]
        spec = make_spec(
            layers=[2, 2, 2], loss=loss, seed=1, inputs=[[0.3, 0.1], [-1, 2]], targets=targets
        )
        net = ExplainedNetwork(spec)
        x = np.array([s.inputs for s in spec.samples])
        t = np.array([s.targets for s in spec.samples])
        layers, batch = net.forward(x, t)
        per_sample = net.output_errors(layers[-1].out, t).sum(axis=1)
        combined = per_sample.sum() if spec.reduction == "sum" else per_sample.mean()
        assert abs(combined - batch.item()) < 1e-12


def test_parameters_are_copies_of_the_spec():
    spec = textbook_spec()
    net = ExplainedNetwork(spec)
    net.weights[0].data[0, 0] = 99.0
    assert spec.weights[0][0, 0] == 0.15
    assert len(net.parameters()) == 4 and len(net.parameters(include_biases=False)) == 2
