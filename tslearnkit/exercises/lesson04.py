"""Checks for lesson 4 (mining): the masked maximum, a semi-hard negative, soft-margin hard mining."""

from __future__ import annotations

import numpy as np

from ._core import call, close, defined, passed, require


def check_masked_maximum(masked_maximum) -> None:
    """Exercise 4.1: per row, the largest entry where ``mask`` is True (the hardest positive)."""
    rng = np.random.default_rng(4)
    distances = rng.uniform(0, 2, size=(6, 6)).astype("float32")
    mask = rng.uniform(size=(6, 6)) < 0.5
    mask[:, 0] = True  # every row has at least one entry
    got = np.asarray(call(masked_maximum, "masked_maximum", distances, mask)).reshape(-1)
    expected = np.array([row[m].max() for row, m in zip(distances, mask)])
    require(got.shape == expected.shape, f"one value per row: shape {expected.shape}; got {got.shape}.")
    require(
        close(got, expected),
        "some rows are wrong: entries outside the mask must not win (set them below every kept value before taking the max).",
    )
    passed("your masked maximum picks the hardest positive of every anchor.")


def check_semihard_negative(semihard_negative) -> None:
    """Exercise 4.2: the closest negative farther than the positive, or the farthest if none."""
    cases = [(0.5, [0.2, 0.7, 0.9, 0.6]), (0.5, [0.1, 0.2, 0.3]), (0.0, [0.4, 0.3, 0.8]), (1.0, [1.0, 1.5, 1.2])]
    for d_ap, d_an in cases:
        d_an = np.asarray(d_an)
        farther = d_an[d_an > d_ap]
        expected = int(np.flatnonzero(d_an == farther.min())[0]) if len(farther) else int(np.argmax(d_an))
        got = call(semihard_negative, "semihard_negative", d_ap, d_an)
        require(
            int(got) == expected,
            f"d(a, p) = {d_ap}, d(a, n) = {d_an.tolist()}: you picked {got}, the semi-hard negative is {expected} (the closest one strictly farther than the positive; the farthest if none is).",
        )
    passed("your choice matches FaceNet's semi-hard rule on four anchors.")


def check_soft_model(soft_model) -> None:
    """Exercise 4.3: an embedding model compiled with ``tk.losses.TripletHardLoss(soft=True)``."""
    from ..losses import TripletHardLoss

    model = defined(soft_model, "soft_model")
    loss = getattr(model, "loss", None)
    require(loss is not None, "compile soft_model first: soft_model.compile(optimizer=..., loss=...).")
    require(
        isinstance(loss, TripletHardLoss), f"the loss should be tk.losses.TripletHardLoss; got {type(loss).__name__}."
    )
    require(
        loss.get_config().get("soft") is True,
        "pass soft=True: log(1 + exp(d_ap - d_an)) instead of a hinge with a margin.",
    )
    passed("compiled with soft-margin hard mining; model.fit(balanced batches) would train it.")
