"""Tests for tslearnkit.metrics.callback: RetrievalMetricsCallback in Keras fits, lazy Keras import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tslearnkit import metrics


def test_metrics_module_does_not_import_keras():
    code = (
        "import sys, tslearnkit.metrics as m; "
        "m.retrieval_metrics([[0.0], [1.0]], [0, 0], include=['precision_at_1']); "
        "print('keras' in sys.modules or 'tensorflow' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=Path(__file__).parent.parent
    )
    assert out.stdout.strip() == "False"


@pytest.fixture(scope="module")
def keras_data():
    import keras

    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 8)).astype(np.float32)
    labels = rng.integers(0, 3, 64)
    targets = rng.standard_normal((64, 4)).astype(np.float32)
    return keras, x, labels, targets


def _tiny_model(keras, seed=0):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def test_callback_adds_metrics_to_logs_and_history(keras_data):
    keras, x, labels, targets = keras_data
    model = _tiny_model(keras)
    callback = metrics.RetrievalMetricsCallback(x[:32], labels[:32], x[32:], labels[32:], k=3)
    assert isinstance(callback, keras.callbacks.Callback)
    history = model.fit(x, targets, epochs=2, batch_size=16, verbose=0, callbacks=[callback])
    for name in metrics.METRIC_NAMES:
        assert len(history.history["val_" + name]) == 2
    expected = metrics.retrieval_metrics(
        model.predict(x[:32], verbose=0), labels[:32], model.predict(x[32:], verbose=0), labels[32:], k=3
    )
    assert callback.last_metrics == expected
    assert history.history["val_mean_average_precision_at_r"][-1] == expected["mean_average_precision_at_r"]


def test_early_stopping_monitors_callback_metric(keras_data):
    keras, x, labels, targets = keras_data
    model = _tiny_model(keras)
    frozen = _tiny_model(keras, seed=1)  # never trained: its metric cannot improve
    retrieval = metrics.RetrievalMetricsCallback(
        x, labels, embedding_model=frozen, prefix="ret_", include=["precision_at_1"]
    )
    stopper = keras.callbacks.EarlyStopping(monitor="ret_precision_at_1", mode="max", patience=1)
    history = model.fit(x, targets, epochs=6, verbose=0, callbacks=[retrieval, stopper])
    assert len(history.history["loss"]) == 2  # stopped after one epoch without improvement
    assert stopper.best == retrieval.last_metrics["precision_at_1"]


def test_callback_every_n_epochs_and_last_epoch(keras_data):
    keras, x, labels, targets = keras_data
    model = _tiny_model(keras)
    callback = metrics.RetrievalMetricsCallback(x, labels, every_n_epochs=2, include=["precision_at_1"])
    history = model.fit(x, targets, epochs=3, verbose=0, callbacks=[callback])
    assert len(history.history["val_precision_at_1"]) == 2  # epochs 2 and 3 (the last)


def test_callback_checks_arguments():
    with pytest.raises(ValueError, match="query_x has 3 samples but query_y has 2"):
        metrics.RetrievalMetricsCallback(np.zeros((3, 2)), [0, 1])
    with pytest.raises(ValueError, match="every_n_epochs must be an integer >= 1"):
        metrics.RetrievalMetricsCallback(np.zeros((3, 2)), [0, 1, 1], every_n_epochs=0)
    with pytest.raises(ValueError, match="reference_x and reference_y together"):
        metrics.RetrievalMetricsCallback(np.zeros((3, 2)), [0, 1, 1], np.zeros((3, 2)))
