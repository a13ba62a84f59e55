"""Checks for lesson 6 (contrastive): positives of a 2N batch, NT-Xent by hand, SupCon's loss floor."""

from __future__ import annotations

import numpy as np

from ._core import NotYet, call, close, defined, passed, require


def check_positive_index(positive_index) -> None:
    """Exercise 6.1: in a batch ``[view_a; view_b]`` of 2N rows, the row holding each row's partner."""
    for n in (1, 3, 5):
        got = np.asarray(call(positive_index, "positive_index", n)).reshape(-1)
        expected = np.concatenate([np.arange(n, 2 * n), np.arange(n)])
        require(
            got.shape == expected.shape and np.array_equal(got, expected),
            f"for N={n} the partners are {expected.tolist()}; you gave {got.tolist()}.",
        )
    passed("row i's partner is i + N in the first half and i - N in the second.")


def check_nt_xent(nt_xent) -> None:
    """Exercise 6.2: NT-Xent with cosine similarity, mean over the 2N views."""
    from ...losses import nt_xent_loss

    rng = np.random.default_rng(6)
    z_a, z_b = rng.normal(size=(5, 3)).astype("float32"), rng.normal(size=(5, 3)).astype("float32")
    for temperature in (0.5, 0.1):
        got = float(np.asarray(call(nt_xent, "nt_xent", z_a, z_b, temperature)))
        expected = float(nt_xent_loss(z_a, z_b, temperature=temperature, normalize=True))
        require(
            close(got, expected, rtol=1e-3),
            f"at temperature {temperature} you get {got:.4f}, NT-Xent is {expected:.4f}: normalise rows, exclude each view from its own denominator, average over all 2N views.",
        )
    passed("your NT-Xent equals tk.losses.nt_xent_loss at two temperatures.")


def check_supcon_floor(predicted_floor, ideal_loss, samples_per_class: int) -> None:
    """Exercise 6.3: SupCon's lowest value on P×K batches of two views is log(2K - 1).

    In the best latent every positive of an anchor sits on it and every other class is infinitely
    far away; the softmax then gives each of the |P(i)| = 2K - 1 positives probability
    1 / (2K - 1), and the loss, -mean log of those, is log(2K - 1).

    Args:
        predicted_floor: the student's prediction, written before training.
        ideal_loss: the kit's SupCon loss of the student's made-up ideal batch.
        samples_per_class: K of the lesson's P×K batches.
    """
    k = int(samples_per_class)
    expected = float(np.log(2 * k - 1))
    value = _number(predicted_floor, "predicted_floor")
    wrong = {
        0.0: "0 is NT-Xent's floor, where each anchor has a single positive. How many positives does a "
        "SupCon anchor have, and what probability can each of them get at best?",
        float(np.log(max(k - 1, 1))): f"log(K - 1) counts the other {k - 1} series of the anchor's class, but "
        "each series enters the loss as two views: count the views that share the anchor's class.",
        float(np.log(k)): "log(K) counts the series of the class; count the *views* that share the anchor's "
        "class instead, leaving out the anchor itself.",
        float(np.log(2 * k)): "log(2K) counts the anchor as its own positive; P(i) leaves i out.",
    }
    if not abs(value - expected) < 1e-3:
        for guess, hint in wrong.items():
            if abs(value - guess) < 1e-3:
                raise NotYet(f"you predicted {value:.3f}: {hint}")
        raise NotYet(
            f"you predicted {value:.3f}. In the best latent all positives of an anchor coincide with it and the "
            "other classes are far away: what share of the softmax does each positive then get?"
        )
    measured = _number(ideal_loss, "ideal_loss")
    require(
        abs(measured - expected) < 1e-3 * max(1.0, expected),
        f"your made-up batch gives a SupCon loss of {measured:.4f}, your prediction is {expected:.4f}. Build it with "
        "the training layout (every class K times, two views: 2K rows per class), every row of a class on one "
        "point, and the classes far apart compared with the temperature (distances of tens, not tenths).",
    )
    passed(
        f"the floor is log(2·{k} − 1) = {expected:.3f}: each anchor's {2 * k - 1} positives share the softmax "
        "evenly at best, and the kit's loss of the ideal batch agrees."
    )


def _number(value, name: str) -> float:
    """The student's ``value`` as one float, or NotYet saying what was expected."""
    value = defined(value, name)
    try:
        return float(np.asarray(value, dtype=np.float64).reshape(()))
    except (TypeError, ValueError):
        raise NotYet(f"`{name}` should be one number; got {value!r}.") from None
