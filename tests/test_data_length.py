"""Length rules: the resampling length comes from the training split alone, very long series
are reduced by piecewise aggregate approximation, and a fit on long data still learns within the
recipe's budget."""

import numpy as np
import pytest

from tslearnkit import data, recipe, training


def test_downsample_is_the_mean_of_consecutive_segments():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 1001, 2)).astype("float32")
    out = data.downsample_series(x, 100)
    factor = int(np.ceil(1001 / 100))  # 11 steps per segment, the last one shorter
    assert out.shape == (3, int(np.ceil(1001 / factor)), 2) and out.shape[1] <= 100
    for j in range(out.shape[1]):
        np.testing.assert_allclose(out[:, j], x[:, j * factor : (j + 1) * factor].mean(axis=1), rtol=1e-5, atol=1e-6)
    assert (
        data.downsample_series(x[:, :100], 100) is not None and data.downsample_series(x[:, :100], 100).shape[1] == 100
    )


@pytest.mark.parametrize("bad", [0, -3, 2.5, True, "512"])
def test_downsample_names_a_bad_length(bad):
    with pytest.raises(ValueError, match="max_length must be an integer >= 1"):
        data.downsample_series(np.zeros((1, 20, 1)), bad)


def test_load_dataset_caps_long_series_and_refuses_a_bad_cap():
    acsf1 = data.load_dataset("ACSF1")  # 1,460 steps on disk
    assert acsf1.x_train.shape[1] <= data.MAX_LENGTH and acsf1.x_test.shape[1] == acsf1.x_train.shape[1]
    assert data.load_dataset("ACSF1", max_length=None).x_train.shape[1] == 1460
    with pytest.raises(ValueError, match="max_length must be None"):
        data.load_dataset("ACSF1", max_length=4)


def test_the_resampling_length_is_chosen_from_the_training_split_only():
    from aeon.datasets import load_classification

    train, _ = load_classification("JapaneseVowels", split="train")
    test, _ = load_classification("JapaneseVowels", split="test")
    longest_train = max(s.shape[-1] for s in train)
    assert max(s.shape[-1] for s in test) > longest_train  # the test split holds longer series
    assert data.load_dataset("JapaneseVowels").x_train.shape[1] == longest_train


def test_a_fit_on_long_series_learns_within_the_recipes_budget():
    """Three classes of 2,000-step series (a chirp, a sine, a square wave, under noise): after the
    load-time cap the recipe's budget brings the loss far below its start."""
    rng = np.random.default_rng(0)
    t = np.linspace(0, 1, 2000)
    shapes = (np.sin(2 * np.pi * 40 * t * t), np.sin(2 * np.pi * 15 * t), np.sign(np.sin(2 * np.pi * 8 * t)))
    x = np.stack([shapes[c] + rng.normal(0, 0.8, t.size) for c in range(3) for _ in range(12)])[..., None]
    y = np.repeat(np.arange(3), 12)
    x = data.downsample_series(x.astype("float32"), data.MAX_LENGTH)
    plan = recipe.make_recipe(y, x.shape[1], 1)
    fit = training.fit_embedding(x, y, loss="semihard", recipe=plan, encoder="fcn", seed=0, verbose=0)
    assert fit.learned, fit.learning_report()
    assert min(fit.history["loss"][-3:]) < 0.5 * fit.history["loss"][0]
