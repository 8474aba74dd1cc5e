"""Programs written for autograd, as autograd's users write them (in the shapes of autograd's
public examples: logistic regression, a small neural network, a Gaussian's log-likelihood, a
tanh written with exp): they import ``autograd.numpy``, never NumPy.
tests/test_autograd_code.py differentiates them with tangentlike and with autograd.
"""
import autograd.numpy as np
import autograd.numpy.random as npr
import autograd.scipy.stats.norm as norm
from autograd import grad  # noqa: F401  (imported, unused, as autograd's examples do)
from autograd.misc import flatten
from autograd.scipy.special import logsumexp

# -- logistic regression -------------------------------------------------------------------


def sigmoid(z):
    return 0.5 * (np.tanh(z / 2.0) + 1.0)


def logistic_predictions(weights, inputs):
    return sigmoid(np.dot(inputs, weights))


def logistic_loss(weights, inputs, targets):
    """The negative log-likelihood of the targets (0 or 1) under a logistic model."""
    predictions = logistic_predictions(weights, inputs)
    label_probabilities = predictions * targets + (1 - predictions) * (1 - targets)
    return -np.sum(np.log(label_probabilities))


def logistic_data(seed=0):
    rs = npr.RandomState(seed)
    inputs = rs.randn(6, 3)
    targets = (rs.rand(6) > 0.5).astype(float)
    return inputs, targets


# -- a small neural network: a list of (weights, biases) layers -----------------------------


def layer_sizes_params(sizes, scale=0.5, seed=1):
    rs = npr.RandomState(seed)
    return [(scale * rs.randn(m, n), scale * rs.randn(n))
            for m, n in zip(sizes[:-1], sizes[1:])]


def network_log_probabilities(params, inputs):
    """tanh hidden layers; the last layer's outputs normalized as log-probabilities."""
    for weights, biases in params:
        outputs = np.dot(inputs, weights) + biases
        inputs = np.tanh(outputs)
    return outputs - logsumexp(outputs, axis=1, keepdims=True)


def network_loss(params, inputs, targets):
    """Cross-entropy of one-hot targets, averaged over the rows, plus an L2 penalty."""
    log_likelihood = np.sum(network_log_probabilities(params, inputs) * targets)
    penalty = 0.0
    for weights, biases in params:
        penalty = penalty + np.sum(weights ** 2)
    return -log_likelihood / inputs.shape[0] + 0.01 * penalty


def network_loss_in_one_function(params, inputs, targets):
    """The same loss written in one function (the layers' loop in the loss itself)."""
    for weights, biases in params:
        outputs = np.dot(inputs, weights) + biases
        inputs = np.tanh(outputs)
    log_probabilities = outputs - logsumexp(outputs, axis=1, keepdims=True)
    return -np.sum(log_probabilities * targets) / targets.shape[0]


def network_data(seed=2):
    rs = npr.RandomState(seed)
    inputs = rs.randn(5, 3)
    targets = np.eye(2)[rs.randint(0, 2, size=5)]
    return inputs, targets


# -- a Gaussian's log-likelihood (autograd.scipy.stats.norm) --------------------------------


def gaussian_log_likelihood(params, data):
    """``params``: the mean and the log of the standard deviation."""
    mean, log_std = params[0], params[1]
    return np.sum(norm.logpdf(data, mean, np.exp(log_std)))


def gaussian_data(seed=3):
    return 1.5 + 0.7 * npr.RandomState(seed).randn(8)


# -- elementwise functions --------------------------------------------------------------------


def tanh_by_exp(x):
    y = np.exp(-2.0 * x)
    return (1.0 - y) / (1.0 + y)


def damped_tanh(x):
    return np.sum(tanh_by_exp(x) * np.exp(-x ** 2 / 4.0) + np.sinh(x) / np.cosh(x) ** 2)


# -- arrays built from lists: concatenate, array, stack, sums along an axis ---------------


def stacked_features(x, weights):
    """``x``: a vector; ``weights``: a matrix with as many columns as ``x`` has entries."""
    projected = np.dot(weights, x)
    both = np.concatenate([projected, np.sin(x)])
    moments = np.array([np.mean(both), np.sum(both ** 2), np.var(x)])
    grid = np.stack([x, np.cos(x)], axis=1)
    columns = np.sum(np.outer(both, x), axis=0)
    return (np.sum(moments ** 2) + np.dot(columns, x) + np.sum(np.sum(grid, axis=0) ** 2)
            + np.linalg.norm(projected))


def stacked_data(seed=4):
    rs = npr.RandomState(seed)
    return rs.randn(3), rs.randn(2, 3)


# -- autograd's own functions, with no NumPy counterpart -------------------------------------


def uses_make_diagonal(x):
    return np.sum(np.make_diagonal(x, axis1=-1, axis2=-2) ** 2)


def flattens(x):
    flat, unflatten = flatten([x, np.sin(x)])
    return np.sum(flat ** 2)


def example_cases() -> dict[str, tuple]:
    """name: (function, its arguments) of the programs above, for the tests and the versions
    census (benchmarks/versions_census.py); every derivative is with respect to the first."""
    inputs, targets = logistic_data()
    net_inputs, net_targets = network_data()
    x, weights = stacked_data()
    return {
        "logistic_regression": (logistic_loss,
                                (np.array([0.3, -0.5, 0.8]), inputs, targets)),
        "neural_network": (network_loss,
                           (layer_sizes_params([3, 4, 2]), net_inputs, net_targets)),
        "neural_network_one_function": (
            network_loss_in_one_function,
            (layer_sizes_params([3, 4, 2]), net_inputs, net_targets)),
        "gaussian_log_likelihood": (gaussian_log_likelihood,
                                    (np.array([1.0, -0.2]), gaussian_data())),
        "tanh_by_exp": (damped_tanh, (np.array([0.3, -0.7, 1.2, 0.05]),)),
        "stacked_features": (stacked_features, (x, weights)),
    }
