"""tk.selection.cross_validated_choice: raw series or a learned embedding, by CV inside the training split."""

from __future__ import annotations

import numpy as np
import pytest

import tslearnkit as tk


def _separable(n_per_class=6, timesteps=16, seed=0):
    """Three classes whose raw series are far apart: every raw 1-NN is right."""
    rng = np.random.default_rng(seed)
    x = np.concatenate([c * 10.0 + 0.1 * rng.normal(size=(n_per_class, timesteps, 1)) for c in range(3)])
    return x.astype(np.float32), np.repeat(np.arange(3), n_per_class)


def _hidden_in_noise(n_per_class=6, timesteps=16, seed=0):
    """The class is the level of channel 0 (small); channel 1 is loud noise that drowns raw distances."""
    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(3), n_per_class)
    x = np.empty((len(y), timesteps, 2), np.float32)
    x[:, :, 0] = 0.3 * y[:, None] + 0.01 * rng.normal(size=(len(y), timesteps))
    x[:, :, 1] = 5.0 * rng.normal(size=(len(y), timesteps))
    return x, y


class _Oracle:
    """What fit_embedding returns, with an embedding that reads channel 0's level (a perfect model)."""

    def __init__(self):
        import keras

        inputs = keras.Input((None, 2))
        self.embedding_model = keras.Model(inputs, keras.ops.mean(inputs[:, :, :1], axis=1))


def test_raw_series_are_kept_when_they_already_score_perfectly():
    x, y = _separable()
    choice = tk.selection.cross_validated_choice(x, y, quick=True, seed=0)
    assert choice.folds == 3 and all(len(v) == 3 for v in choice.fold_scores.values())
    assert choice.mean("euclidean") == 1.0 and choice.mean("dtw") == 1.0
    assert choice.chosen == "euclidean"  # a tie goes to the simplest candidate
    assert "3-fold CV within the training split" in choice.describe() and "→ euclidean" in choice.describe()


def test_the_learned_embedding_is_chosen_when_it_beats_the_raw_series(monkeypatch):
    x, y = _hidden_in_noise()
    monkeypatch.setattr(tk.training, "fit_embedding", lambda *a, **k: _Oracle())
    choice = tk.selection.cross_validated_choice(x, y, quick=True, seed=0)
    assert choice.mean("learned") == 1.0 > max(choice.mean("euclidean"), choice.mean("dtw"))
    assert choice.chosen == "learned"


def test_folds_shrink_to_the_smallest_class_and_singletons_are_refused():
    x, y = _separable(n_per_class=2)
    assert tk.selection.cross_validated_choice(x, y, quick=True).folds == 2
    with pytest.raises(ValueError, match="smallest class has 1"):
        tk.selection.cross_validated_choice(x[:-1], y[:-1], quick=True)
    with pytest.raises(ValueError, match="folds"):
        tk.selection.cross_validated_choice(x, y, folds=1, quick=True)


def test_the_choice_reads_the_training_split_only_and_is_seeded():
    x, y = _separable(seed=1)
    first = tk.selection.cross_validated_choice(x, y, quick=True, seed=3)
    again = tk.selection.cross_validated_choice(x, y, quick=True, seed=3)
    assert first.fold_scores == again.fold_scores and first.chosen == again.chosen
