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


def test_both_criteria_are_scored_on_the_same_folds_and_either_can_choose(monkeypatch):
    x, y = _hidden_in_noise()
    monkeypatch.setattr(tk.training, "fit_embedding", lambda *a, **k: _Oracle())
    by_map = tk.selection.cross_validated_choice(x, y, quick=True, seed=0)
    by_p1 = tk.selection.cross_validated_choice(x, y, quick=True, seed=0, criterion="P@1")
    assert set(by_map.scores) == {"MAP@R", "P@1"} and by_map.scores == by_p1.scores
    assert by_map.fold_scores == by_map.scores["MAP@R"] and by_p1.fold_scores == by_p1.scores["P@1"]
    assert by_p1.mean("learned") == 1.0 and by_p1.chosen == "learned" == by_map.chosen_by("P@1")
    assert "(P@1)" in by_p1.describe()
    with pytest.raises(ValueError, match="criterion='NMI'"):
        tk.selection.cross_validated_choice(x, y, quick=True, criterion="NMI")


def test_a_tie_on_the_criterion_goes_to_the_simpler_candidate():
    scores = {name: {"euclidean": [0.5], "dtw": [0.5], "learned": [0.5]} for name in tk.selection.CRITERIA}
    scores["P@1"]["dtw"] = [0.9]
    choice = tk.selection.CrossValidatedChoice(chosen="euclidean", scores=scores, folds=1, loss="semihard")
    assert choice.chosen_by("MAP@R") == "euclidean" and choice.chosen_by("P@1") == "dtw"


class _NoiseReader:
    """An embedding of channel 1 only: the loud noise, so it finds the class no better than chance."""

    def __init__(self):
        import keras

        inputs = keras.Input((None, 2))
        self.embedding_model = keras.Model(inputs, inputs[:, :, 1])


def test_the_time_warped_fit_is_a_candidate_of_its_own(monkeypatch):
    x, y = _hidden_in_noise()
    transforms = []

    def fake_fit(*args, batch_transform=None, **kwargs):
        transforms.append(batch_transform)
        return _Oracle() if batch_transform is not None else _NoiseReader()

    monkeypatch.setattr(tk.training, "fit_embedding", fake_fit)
    choice = tk.selection.cross_validated_choice(x, y, quick=True, seed=0)
    assert len(transforms) == 2 * choice.folds and sum(t is None for t in transforms) == choice.folds
    assert set(choice.fold_scores) == set(tk.selection.CANDIDATES)
    assert choice.mean("learned + time warp") == 1.0 > choice.mean("learned")
    assert choice.chosen == "learned + time warp" and "→ learned + time warp" in choice.describe()


def test_fewer_candidates_fit_less_and_choose_among_themselves(monkeypatch):
    x, y = _hidden_in_noise()
    calls = []
    monkeypatch.setattr(tk.training, "fit_embedding", lambda *a, **k: calls.append(k) or _Oracle())
    choice = tk.selection.cross_validated_choice(x, y, quick=True, candidates=("learned", "euclidean"))
    assert set(choice.fold_scores) == {"euclidean", "learned"} and len(calls) == choice.folds
    assert choice.chosen == "learned" and "dtw" not in choice.describe()


@pytest.mark.parametrize(
    ("candidates", "loss", "message"),
    [
        (("euclidean", "warp"), "semihard", r"candidates=\('euclidean', 'warp'\): give a non-empty sequence of"),
        ("euclidean", "semihard", r"candidates='euclidean'"),
        ((), "semihard", r"candidates=\(\)"),
        (None, "semihard", r"candidates=None"),
        ((c for c in ["dtw", "warp"]), "semihard", r"candidates=\('dtw', 'warp'\)"),
        (("learned + time warp",), "ce", "needs a metric loss"),
    ],
)
def test_unknown_candidates_are_refused_before_any_fit(candidates, loss, message):
    x, y = _separable()
    with pytest.raises(ValueError, match=message):
        tk.selection.cross_validated_choice(x, y, quick=True, loss=loss, candidates=candidates)
