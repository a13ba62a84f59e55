"""Checks for lesson 6 (contrastive): positives of a 2N batch, NT-Xent by hand, compiling NT-Xent."""

from __future__ import annotations

import numpy as np

from ._core import call, close, defined, passed, require


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
    from ..losses import nt_xent_loss

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


def check_ntxent_model(ntxent_model, temperature: float, normalize: bool) -> None:
    """Exercise 6.3: an embedding model compiled with ``tk.losses.NTXentLoss`` as the lesson's."""
    from ..losses import NTXentLoss

    model = defined(ntxent_model, "ntxent_model")
    loss = getattr(model, "loss", None)
    require(isinstance(loss, NTXentLoss), f"compile with tk.losses.NTXentLoss(...); got {type(loss).__name__}.")
    config = loss.get_config()
    require(
        abs(config.get("temperature", -1) - temperature) < 1e-9, f"use temperature={temperature} (temperature_ntxent)."
    )
    require(config.get("normalize") == normalize, f"use normalize={normalize}, as the lesson's latent.")
    passed(
        "compiled with NT-Xent: fit it on tk.sampling.shuffled_batches(..., transform=tk.augment.make_tf_stacked_views(seed))."
    )
