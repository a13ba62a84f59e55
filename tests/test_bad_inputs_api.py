"""Bad input to the teaching API found by the third sweep (losses, metrics, models, augmentation,
sampling, selection): each case failed deep in a library, was silently wrong, or was accepted and
ignored; now each is a clear error naming the argument, or works as a user would expect."""

import numpy as np
import pytest

from tslearnkit import augment, losses, metrics, models, sampling, selection

RNG = np.random.default_rng(0)
E = RNG.normal(size=(4, 3)).astype(np.float32)
Y = np.array([0, 0, 1, 1])


def test_an_augmentation_dict_is_its_name_params_pairs_not_its_keys():
    """{"jitter": {"sigma": 5.0}} was iterated as its keys: the default sigma was used, silently."""
    x = np.zeros((2, 8, 1))
    assert augment.apply_augmentations(x, {"jitter": {"sigma": 5.0}}, seed=0).std() > 1.0
    with pytest.raises(ValueError, match=r"sigma must be >= 0 .*got -3"):
        augment.apply_augmentations(x, {"scaling": {"sigma": -3}}, seed=0)


@pytest.mark.skipif(sampling.batch_pipeline() != "tf.data", reason="tf.data traces the transform on tensors")
def test_a_numpy_transform_in_tf_data_is_named():
    """It failed inside TensorFlow's autograph: 'Cannot convert a symbolic tf.Tensor to a numpy array'."""
    x = RNG.normal(size=(8, 16, 1)).astype(np.float32)
    with pytest.raises(ValueError, match=r"transform must work on TensorFlow tensors .*make_tf_augmenter"):
        sampling.balanced_batches(x, np.repeat([0, 1], 4), 2, 2, transform=lambda xb, yb: (augment.jitter(xb), yb))


def test_batch_options_that_only_look_right_are_refused():
    x = RNG.normal(size=(8, 16, 1)).astype(np.float32)
    with pytest.raises(ValueError, match=r"drop_remainder must be True or False; got 'no'"):
        sampling.shuffled_batches(x, np.repeat([0, 1], 4), 4, drop_remainder="no")
    with pytest.raises(ValueError, match=r"batch_size must be an integer >= 1; got True"):
        sampling.shuffled_batches(x, np.repeat([0, 1], 4), True)


def test_numpy_integers_build_models_and_a_name_is_not_an_encoder():
    """Keras's Dense refused np.int64 units (n_classes = y.max() + 1) after our checks let them through."""
    encoder = models.build_encoder("fcn", (16, 1), filters=(4, 4, 4))
    assert models.classifier_model(encoder, np.int64(3)).output_shape == (None, 3)
    assert models.embedding_model(encoder, dim=np.int64(8)).output_shape == (None, 8)
    assert models.build_encoder("conv", (16, 1), filters=np.int64(4), hidden_units=np.int64(8)).output_shape[-1] == 128
    with pytest.raises(ValueError, match=r"encoder must be a Keras model, e\.g\. tk\.models\.build_encoder.*got 'fcn'"):
        models.embedding_model("fcn")
    with pytest.raises(ValueError, match=r"normalize must be True or False; got 'no'"):
        models.embedding_model(encoder, normalize="no")
    with pytest.raises(ValueError, match=r"residual must be True or False; got 'no'"):
        models.build_encoder("inception", (16, 1), residual="no")


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: losses.TripletSemiHardLoss(distance="angular"), r"does not take \['distance'\]; it takes"),
        (lambda: losses.SupConLoss(temp=0.1), r"SupConLoss does not take \['temp'\]"),
        (lambda: losses.TripletSemiHardLoss(margin=None), r"`margin` must be a number >= 0; got None"),
        (lambda: losses.TripletHardLoss(soft="yes"), r"soft must be True or False; got 'yes'"),
    ],
    ids=["misspelled-option", "misspelled-temperature", "margin-none", "soft-text"],
)
def test_loss_classes_refuse_bad_options_when_built_not_inside_fit(make, message):
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize("margin", [np.array(np.nan), np.array(-1.0)], ids=["nan", "negative"])
def test_a_0d_array_margin_is_checked_like_a_number(margin):
    """np.array(np.nan) slipped past the check and the loss was 0.0."""
    with pytest.raises(ValueError, match=r"`margin` must be a finite number >= 0"):
        losses.triplet_hard_loss(Y, E, margin=margin)


def test_pairwise_distances_checks_its_embeddings():
    """NaN embeddings gave an all-zero distance matrix, silently; 1-D input a TensorFlow reduction error."""
    with pytest.raises(ValueError, match=r"`embeddings` contains NaN or inf"):
        losses.pairwise_distances(np.full((3, 2), np.nan, np.float32))
    with pytest.raises(ValueError, match=r"`embeddings` must be 2-D"):
        losses.pairwise_distances(np.arange(4.0))
    np.testing.assert_allclose(np.asarray(losses.pairwise_distances(np.eye(2, dtype=int))), [[0, 2**0.5], [2**0.5, 0]])


def test_embedding_scores_names_its_own_arguments():
    train, test = RNG.random((6, 2)), RNG.random((4, 2))
    y_train, y_test = [0, 0, 1, 1, 2, 2], [0, 1, 2, 0]
    with pytest.raises(ValueError, match=r"k_values must be a list of k, e\.g\. \[1, 5\]; got 3"):
        metrics.embedding_scores(train, y_train, test, y_test, k_values=3)
    with pytest.raises(ValueError, match=r"legacy_k=50 is more than the 6 training embeddings"):
        metrics.embedding_scores(train, y_train, test, y_test, legacy_k=50)
    train[2, 0] = np.nan
    with pytest.raises(ValueError, match=r"train_emb has NaN"):
        metrics.embedding_scores(train, y_train, test, y_test)


def test_distances_with_no_query_or_nan_labels_are_named():
    with pytest.raises(ValueError, match=r"at least one query and one reference; got shape \(0, 3\)"):
        metrics.retrieval_metrics_from_distances(np.zeros((0, 3)), [], [0, 1, 1])
    with pytest.raises(ValueError, match=r"query_labels has NaN"):
        metrics.retrieval_metrics_from_distances(np.ones((2, 3)), [np.nan, 1.0], [0, 1, 1])


@pytest.mark.parametrize(
    "options, message",
    [
        ({"seed": -1}, r"seed must be an integer >= 0; got -1"),
        ({"seed": 2**40}, r"seed must be below 2\*\*32"),
        ({"loss": "semi-hard"}, r"loss='semi-hard' is not 'ce' or one of"),
        ({"loss": "ntxent"}, r"loss='ntxent' is not 'ce' or one of \['batch_all', 'hard', 'semihard', 'supcon'\]"),
        ({"encoder": "FCN-x"}, r"unknown encoder 'FCN-x'"),
        ({"quick": "yes"}, r"quick must be True or False"),
    ],
    ids=["negative-seed", "huge-seed", "loss", "unlabelled-loss", "encoder", "quick"],
)
def test_cross_validated_choice_checks_everything_before_the_first_fold(options, message, monkeypatch):
    """A misspelled loss was found only after the first fold's Euclidean and DTW baselines had run."""
    from tslearnkit import baselines

    def no_baselines(*args, **kwargs):
        raise AssertionError("a baseline ran before the arguments were checked")

    monkeypatch.setattr(baselines, "nearest_neighbour_scores", no_baselines)
    x = RNG.normal(size=(4, 8, 1)).astype(np.float32)
    with pytest.raises(ValueError, match=message):
        selection.cross_validated_choice(x, Y, **{"quick": True, **options})


@pytest.mark.parametrize("loss", [losses.TripletSemiHardLoss(), losses.SupConLoss()], ids=["semihard", "supcon"])
def test_loss_classes_take_text_labels_as_the_functions_do(loss):
    """Keras cast y_true to float32 first: 'could not convert string to float: a'."""
    text = np.array(["walk", "walk", "sit", "sit"])
    expected = float(loss(np.array([1, 1, 0, 0]), E))
    assert float(loss(text, E)) == pytest.approx(expected)
    assert float(loss(text.astype(object), E)) == pytest.approx(expected)


def test_what_the_checks_of_this_sweep_must_still_accept():
    """The second read's regressions: each of these worked before the checks above and works again."""
    import pandas as pd

    from tslearnkit import baselines, plots

    encoder = models.build_encoder("fcn", (16, 1), filters=(4, 4, 4))
    assert models.embedding_model(encoder, normalize=1).output_shape == (None, 128)  # 0 and 1 are flags too
    assert sampling.shuffled_steps_per_epoch(10, 3, 1) == 3
    assert float(losses.TripletHardLoss(soft=0)(Y, E)) >= 0

    def any_options(y_true, y_pred, **options):  # a loss function that takes any option
        return losses.triplet_semihard_loss(y_true, y_pred, **options)

    assert float(losses.MetricLoss(any_options, "mine", margin=0.3)(Y, E)) >= 0
    assert float(losses.TripletSemiHardLoss()(pd.Series(["a", "a", "b", "b"]), E)) >= 0
    x = RNG.normal(size=(4, 10, 1))
    assert baselines.raw_distances(x, x, distance="dtw", window=np.array(0.1)).shape == (4, 4)
    series = RNG.normal(size=(6, 20, 1))
    series[0, 3:6] = np.nan  # a gap in the raw data is drawn as a gap
    plots.plot_series(series, np.repeat([0, 1], 3), ["a", "b"])
    plots.plot_history(pd.DataFrame({"loss": [1.0, 0.5]}))
    plots.plot_embeddings(np.array([[1e39, 0.0], [0.0, 1.0], [1.0, 0.0]]), [0, 1, 1], ["a", "b"])  # finite in float64
    _, separation = plots.plot_distance_distributions({"raw": E}, Y[:, None])
    assert np.isfinite(separation["raw"])
