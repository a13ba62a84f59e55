"""Checks for lesson 1 (the data): a stratified split predicted, leak-free standardisation, and
why a query must not be in its own reference."""

from __future__ import annotations

import numpy as np

from ._core import call, close, defined, passed, require


def check_validation_counts(predicted_validation_counts, data, validation_fraction, seed) -> None:
    """Exercise 1.1: the per-class sizes of a stratified validation split, predicted before it is made.

    Within one series per class of the split :func:`tslearnkit.data.stratified_split` makes
    (its rounding and its at-least-one rule are details, not the idea).
    """
    from ...data import stratified_split_indices

    predicted = np.asarray(defined(predicted_validation_counts, "predicted_validation_counts"), dtype=float)
    require(
        predicted.shape == (data.n_classes,),
        f"`predicted_validation_counts` needs one entry per class, {data.n_classes} in all; got shape {predicted.shape}.",
    )
    _, held_out = stratified_split_indices(data.y_train, validation_fraction, seed=seed)
    actual = np.bincount(data.y_train[held_out], minlength=data.n_classes)
    train_counts = np.bincount(data.y_train, minlength=data.n_classes)
    off = np.abs(predicted - actual)
    if off.max() <= 1:
        sizes = f"{actual.min()}" if actual.min() == actual.max() else f"{actual.min()} to {actual.max()}"
        passed(
            f"the validation part holds {sizes} series per class ({len(held_out)} in all): "
            f"every class gives up the same share of its series, {validation_fraction:.0%}."
        )
        return
    require(
        not close(predicted, train_counts - actual, atol=1.0),
        "those are the series each class *keeps* for fitting; the validation part is the share held out.",
    )
    require(
        predicted.sum() <= len(data.y_train),
        f"your counts add up to {predicted.sum():.0f}, more than the {len(data.y_train)} training series: "
        "the validation part is a share of each class's training series.",
    )
    worst = int(off.argmax())
    require(
        False,
        f"class {data.class_names[worst]}: you predicted {predicted[worst]:.0f}, the split holds {actual[worst]}. "
        "Look at how many training series that class has: a stratified split takes the same share of every "
        "class, so classes of different sizes give up different numbers of series.",
    )


def _finite(values) -> bool:
    """False only for numbers holding NaN or inf; anything else is left to the shape and value checks."""
    try:
        return bool(np.isfinite(np.asarray(values, np.float64)).all())
    except (TypeError, ValueError):
        return True


def _channels(values, keep):
    """``values[..., keep]`` when ``values`` is an array of the right width, else ``values`` (the shape check fails)."""
    values = np.asarray(values)
    return values[..., keep] if values.ndim and values.shape[-1] == len(keep) else values


def check_standardize(standardize_like_train, data) -> None:
    """Exercise 1.2: per-channel statistics from the training split, applied to both splits."""
    got = call(standardize_like_train, "standardize_like_train", data.x_train, data.x_test)
    require(isinstance(got, tuple) and len(got) == 2, "return a pair: (x_train_std, x_test_std).")
    from ...data import standardize

    x_train_std, x_test_std, _ = standardize(data.x_train, data.x_test)
    channels = data.x_train.shape[-1]
    dead = np.ptp(data.x_train.reshape(-1, channels).astype(np.float64), axis=0) == 0
    advice = (
        f" Channel(s) {np.flatnonzero(dead).tolist()} never change in the training split: their standard deviation "
        "is 0 (or float32 rounding error), so shift them to 0 and divide by 1."
        if dead.any()
        else ""
    )
    require(all(_finite(part) for part in got), "your standardised series hold NaN or inf." + advice)
    live = ~dead  # a dead channel carries nothing: any finite constant will do
    require(
        close(_channels(got[0], live), x_train_std[..., live], atol=1e-4),
        "the training split is not standardised per channel: one mean and one std per channel, taken over "
        "every series and every time step (the first two axes)." + advice,
    )
    require(
        close(_channels(got[1], live), x_test_std[..., live], atol=1e-4),
        "the test split must use the *training* statistics; statistics of the test split itself leak it.",
    )
    passed("per-channel standardisation with training statistics only — no test leakage.")


def check_self_match(predicted_self_match, self_match, x_train_std, data) -> None:
    """Exercise 1.3: 1-NN accuracy when the queries are part of the reference — predicted, then computed."""
    from ...metrics import knn_accuracy

    prediction = float(defined(predicted_self_match, "predicted_self_match"))
    value = float(defined(self_match, "self_match"))
    flat = x_train_std.reshape(len(x_train_std), -1)
    expected = knn_accuracy(flat, data.y_train, flat, data.y_train, k=1)
    require(0.0 <= prediction <= 1.0, f"an accuracy lies in [0, 1]; you predicted {prediction}.")
    require(
        abs(value - expected) < 1e-6,
        f"your `self_match` is {value:.3f}, but with the training series as queries *and* as the reference "
        f"the kit gives {expected:.3f}: pass the same flattened training series (and labels) twice, k=1.",
    )
    require(
        abs(prediction - expected) <= 0.02,
        f"you predicted {prediction:.3f}; the run gives {expected:.3f}. What is the distance from a series to "
        "itself, and which reference is therefore nearest to each query?",
    )
    passed(
        f"{expected:.3f}: every series finds itself at distance 0, so this score says nothing about the data. "
        "That is why queries are scored against a reference that does not contain them."
    )
