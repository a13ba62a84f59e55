"""Lesson 6's exercise checks: each passes the right answer and rejects a plausible wrong one
with feedback that says what to look at."""

import numpy as np
import pytest

import tslearnkit as tk
from tslearnkit.course.exercises import NotYet, lesson06


# --------------------------------------------------------------------------- 6.1
def test_positive_index_right_answer_passes(capsys):
    lesson06.check_positive_index(lambda n: np.concatenate([np.arange(n, 2 * n), np.arange(n)]))
    assert capsys.readouterr().out.startswith("✓")


def test_positive_index_of_neighbouring_rows_is_rejected():
    # the plausible slip: views interleaved (a0, b0, a1, b1, ...) instead of stacked [view_a; view_b]
    with pytest.raises(NotYet, match="the partners are"):
        lesson06.check_positive_index(lambda n: np.arange(2 * n) ^ 1)


def test_positive_index_that_fails_says_how():
    with pytest.raises(NotYet, match="raised ValueError"):
        lesson06.check_positive_index(lambda n: np.concatenate([np.arange(n), np.arange(n)]).reshape(3, -1))


# --------------------------------------------------------------------------- 6.2
def _nt_xent(z_a, z_b, temperature, *, exclude_self=True):
    z = np.concatenate([z_a, z_b]).astype(np.float64)
    z /= np.linalg.norm(z, axis=1, keepdims=True)
    logits = z @ z.T / temperature
    if exclude_self:
        np.fill_diagonal(logits, -np.inf)
    log_softmax = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    n = len(z_a)
    partner = np.concatenate([np.arange(n, 2 * n), np.arange(n)])
    return float(-log_softmax[np.arange(2 * n), partner].mean())


def test_nt_xent_right_answer_passes(capsys):
    lesson06.check_nt_xent(_nt_xent)
    assert capsys.readouterr().out.startswith("✓")


def test_nt_xent_keeping_each_view_in_its_own_denominator_is_rejected():
    with pytest.raises(NotYet, match="exclude each view from its own denominator"):
        lesson06.check_nt_xent(lambda a, b, t: _nt_xent(a, b, t, exclude_self=False))


# --------------------------------------------------------------------------- 6.3
K = 7  # lesson 6's P×K = 9×7 on JapaneseVowels


def _ideal_loss(classes=3, k=K, temperature=0.1, views=2):
    labels = np.tile(np.repeat(np.arange(classes), k), views)
    latent = np.stack([100.0 * labels, np.zeros(len(labels))], axis=1).astype("float32")
    return float(tk.losses.supcon_loss(labels, latent, temperature=temperature, normalize=False))


def test_supcon_floor_right_prediction_passes(capsys):
    lesson06.check_supcon_floor(np.log(2 * K - 1), _ideal_loss(), K)
    out = capsys.readouterr().out
    assert out.startswith("✓") and "log(2·7 − 1)" in out


def test_supcon_floor_of_zero_is_rejected():
    with pytest.raises(NotYet, match="NT-Xent's floor"):
        lesson06.check_supcon_floor(0.0, _ideal_loss(), K)


def test_supcon_floor_that_forgets_the_second_view_is_rejected():
    with pytest.raises(NotYet, match="two views"):
        lesson06.check_supcon_floor(np.log(K - 1), _ideal_loss(), K)


def test_supcon_floor_that_counts_the_anchor_is_rejected():
    with pytest.raises(NotYet, match="its own positive"):
        lesson06.check_supcon_floor(np.log(2 * K), _ideal_loss(), K)


def test_supcon_floor_other_guess_gets_the_general_hint():
    with pytest.raises(NotYet, match="what share of the softmax"):
        lesson06.check_supcon_floor(1.0, _ideal_loss(), K)


def test_supcon_floor_ideal_batch_with_one_view_is_rejected():
    one_view = _ideal_loss(views=1)  # log(K - 1): the batch lacks the second view
    with pytest.raises(NotYet, match="two views: 2K rows per class"):
        lesson06.check_supcon_floor(np.log(2 * K - 1), one_view, K)


def test_supcon_floor_ideal_batch_with_classes_too_close_is_rejected():
    labels = np.tile(np.repeat(np.arange(3), K), 2)
    latent = np.stack([0.1 * labels, np.zeros(len(labels))], axis=1).astype("float32")
    close_classes = float(tk.losses.supcon_loss(labels, latent, temperature=0.1, normalize=False))
    with pytest.raises(NotYet, match="far apart"):
        lesson06.check_supcon_floor(np.log(2 * K - 1), close_classes, K)
    with pytest.raises(NotYet, match="not set yet"):
        lesson06.check_supcon_floor(np.log(2 * K - 1), ..., K)
