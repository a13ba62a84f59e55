"""Checks for lesson 2 (cross-entropy): build and compile a classifier, Precision@1 by hand."""

from __future__ import annotations

import numpy as np

from ._core import call, close, defined, passed, require


def check_classifier(my_classifier, data) -> None:
    """Exercise 2.1: a ``tk.models`` classifier for this dataset's shape and classes."""
    import keras

    model = defined(my_classifier, "my_classifier")
    require(isinstance(model, keras.Model), "build it with tk.models.classifier_model(encoder, n_classes).")
    require(
        tuple(model.input_shape[1:]) == data.x_train.shape[1:],
        f"the input must be (timesteps, channels) = {data.x_train.shape[1:]}; pass data.x_train.shape[1:] to build_encoder.",
    )
    require(
        model.output_shape[-1] == data.n_classes, f"one logit per class: the last layer needs {data.n_classes} units."
    )
    passed(f"{model.count_params():,} weights, {data.n_classes} logits.")


def check_compiled(my_classifier) -> None:
    """Exercise 2.2: compiled with Adam and sparse categorical cross-entropy on logits."""
    import keras

    model = defined(my_classifier, "my_classifier")
    require(
        getattr(model, "optimizer", None) is not None and getattr(model, "loss", None) is not None,
        "call my_classifier.compile(optimizer=..., loss=...).",
    )
    loss = model.loss
    require(
        isinstance(loss, keras.losses.SparseCategoricalCrossentropy),
        "labels are class indices, so the loss is keras.losses.SparseCategoricalCrossentropy.",
    )
    require(loss.get_config().get("from_logits"), "the model outputs logits (no softmax): pass from_logits=True.")
    passed("compiled the Keras way: model.fit(x, y) would now train it.")


def check_precision_at_1(precision_at_1) -> None:
    """Exercise 2.3: the share of queries whose nearest reference has the same class."""
    from ..metrics import retrieval_metrics

    rng = np.random.default_rng(0)
    ref, queries = rng.normal(size=(40, 5)), rng.normal(size=(15, 5))
    ref_labels, query_labels = rng.integers(0, 3, 40), rng.integers(0, 3, 15)
    got = call(precision_at_1, "precision_at_1", queries, query_labels, ref, ref_labels)
    expected = retrieval_metrics(queries, query_labels, ref, ref_labels, include=["precision_at_1"])["precision_at_1"]
    require(
        close(got, expected),
        f"on a random test case you returned {got}, expected {expected:.4f}: for each query take the label of the closest reference (Euclidean), then average the matches.",
    )
    passed("Precision@1 by hand equals tk.metrics.retrieval_metrics.")
