"""tslearnkit.training: determinism, tf.distribute equivalence, callbacks, save/load, end to end."""

import dataclasses

import keras
import numpy as np
import pytest

from tslearnkit import callbacks, data, losses, models, sampling, training

SMALL_FCN = {"filters": (16, 16, 16), "kernel_sizes": (5, 3, 3)}


@pytest.fixture(scope="module")
def vowels():
    return data.load_dataset()


@pytest.fixture(scope="module")
def small(vowels):
    """Four speakers, 12 training series each: enough for P×K batches, fast to train."""
    keep = np.concatenate([np.flatnonzero(vowels.y_train == c)[:12] for c in range(4)])
    return vowels.x_train[keep], vowels.y_train[keep]


def _weights(model):
    return [np.asarray(w) for w in model.weights]


def test_same_seed_same_weights_and_history(small):
    x, y = small
    runs = [
        training.fit_embedding(
            x,
            y,
            loss="semihard",
            encoder="fcn",
            encoder_config=SMALL_FCN,
            embedding_dim=8,
            classes_per_batch=4,
            samples_per_class=4,
            epochs=2,
            seed=seed,
            verbose=0,
        )
        for seed in (3, 3, 4)
    ]
    assert runs[0].history == runs[1].history
    for a, b in zip(_weights(runs[0].model), _weights(runs[1].model)):
        np.testing.assert_array_equal(a, b)
    assert any(not np.array_equal(a, b) for a, b in zip(_weights(runs[0].model), _weights(runs[2].model)))


def test_the_pydataset_pipeline_trains_as_tf_data_does(small, monkeypatch):
    """JAX and PyTorch get their batches from a keras.utils.PyDataset (no TensorFlow needed); on TensorFlow
    it feeds the very batches tf.data does, so the same seed gives the same fit (without augmentation,
    whose random streams differ between the pipelines)."""
    x, y = small
    fits = {}
    for pipeline in sampling.BATCH_PIPELINES:
        if pipeline == "tf.data" and keras.backend.backend() != "tensorflow":
            continue
        monkeypatch.setattr(sampling, "batch_pipeline", lambda pipeline=pipeline: pipeline)
        small_fcn = dict(encoder="fcn", encoder_config=SMALL_FCN, seed=3, verbose=0)
        fits[pipeline] = training.fit_embedding(
            x, y, embedding_dim=8, classes_per_batch=4, samples_per_class=4, epochs=2, **small_fcn
        )
        contrastive = training.fit_contrastive(x, batch_size=8, epochs=1, **small_fcn)
        assert np.isfinite(contrastive.history["loss"]).all()  # the two views, concatenated by the pipeline
        augmented = training.fit_classifier(x, y, epochs=1, augment=True, **small_fcn)
        assert np.isfinite(augmented.history["loss"]).all()
    if len(fits) == 2:
        np.testing.assert_allclose(fits["tf.data"].history["loss"], fits["PyDataset"].history["loss"], rtol=1e-6)
        for a, b in zip(_weights(fits["tf.data"].model), _weights(fits["PyDataset"].model)):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_classifier_is_deterministic_and_reports_accuracy(small):
    x, y = small
    a = training.fit_classifier(x, y, encoder="fcn", encoder_config=SMALL_FCN, epochs=2, seed=0, verbose=0)
    b = training.fit_classifier(x, y, encoder="fcn", encoder_config=SMALL_FCN, epochs=2, seed=0, verbose=0)
    assert a.history == b.history and "accuracy" in a.history
    assert training.embed(a.embedding_model, x).shape == (len(x), 16)


@pytest.fixture
def mirrored(two_device_strategy):
    # tf.distribute.MirroredStrategy on TensorFlow, keras.distribution.DataParallel on JAX.
    return two_device_strategy


@pytest.mark.parametrize("fit", ["embedding", "classifier"])
def test_mirrored_strategy_over_two_devices_matches_one_device(small, fit, mirrored):
    x, y = small

    def run(strategy):
        if fit == "embedding":
            return training.fit_embedding(
                x,
                y,
                loss="semihard",
                encoder="fcn",
                encoder_config=SMALL_FCN,
                embedding_dim=8,
                classes_per_batch=4,
                samples_per_class=4,
                epochs=1,
                learning_rate=1e-2,
                seed=0,
                verbose=0,
                strategy=strategy,
            )
        return training.fit_classifier(
            x,
            y,
            encoder="fcn",
            encoder_config=SMALL_FCN,
            epochs=1,
            batch_size=16,
            learning_rate=1e-2,
            seed=0,
            verbose=0,
            strategy=strategy,
        )

    one, two = run(None), run(mirrored)
    if keras.backend.backend() == "jax":  # the weights really are replicated over two devices
        assert len(two.model.weights[0].value.sharding.device_set) == 2
    np.testing.assert_allclose(one.history["loss"], two.history["loss"], rtol=1e-4)
    for a, b in zip(_weights(one.model), _weights(two.model)):
        np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-5)


def test_validation_callback_feeds_early_stopping(small):
    x, y = small
    x_fit, y_fit, x_val, y_val = data.stratified_split(x, y, 0.25, seed=0)
    stopper = keras.callbacks.EarlyStopping(monitor="val_precision_at_1", mode="max", patience=1)
    fit = training.fit_embedding(
        x_fit,
        y_fit,
        loss="semihard",
        encoder="fcn",
        encoder_config=SMALL_FCN,
        embedding_dim=8,
        classes_per_batch=4,
        samples_per_class=3,
        epochs=3,
        seed=0,
        verbose=0,
        validation=(x_val, y_val),
        callbacks=[stopper],
    )
    assert "val_precision_at_1" in fit.history and "val_mean_average_precision_at_r" in fit.history
    assert all(0.0 <= v <= 1.0 for v in fit.history["val_precision_at_1"])


def test_active_triplets_are_logged_and_counted_right(small):
    x, y = small
    tracker = callbacks.ActiveTripletsCallback(x, y, 4, 3, margin=0.5, seed=0)
    fit = training.fit_embedding(
        x,
        y,
        loss="batch_all",
        encoder="fcn",
        encoder_config=SMALL_FCN,
        embedding_dim=8,
        classes_per_batch=4,
        samples_per_class=3,
        epochs=2,
        seed=0,
        verbose=0,
        callbacks=[tracker],
    )
    assert len(fit.history["active_triplets"]) == 2
    # Hand-checked case: 1-D embeddings, classes {0: 0.0, 0.1}, {1: 0.3}; margin 0.5.
    emb = np.array([[0.0], [0.1], [0.3]], np.float32)
    # Triplets (a, p, n): (0,1,2): d_ap .1, d_an .3 → active; (1,0,2): d_ap .1, d_an .2 → active.
    assert callbacks.active_triplet_fraction(emb, [0, 0, 1], margin=0.5) == 1.0
    assert callbacks.active_triplet_fraction(emb, [0, 0, 1], margin=0.15) == 0.5
    assert callbacks.active_triplet_fraction(emb, [0, 1, 2], margin=0.5) == 0.0  # no positive pair


def test_model_with_custom_loss_saves_and_loads(tmp_path, small):
    x, y = small
    fit = training.fit_embedding(
        x,
        y,
        loss="semihard",
        loss_config={"margin": 0.3},
        encoder="fcn",
        encoder_config=SMALL_FCN,
        embedding_dim=8,
        classes_per_batch=4,
        samples_per_class=4,
        epochs=1,
        seed=0,
        verbose=0,
    )
    path = tmp_path / "model.keras"
    fit.model.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded.loss, losses.TripletSemiHardLoss)
    np.testing.assert_allclose(training.embed(loaded, x), training.embed(fit.model, x), rtol=1e-5, atol=1e-6)


def test_bad_arguments_are_named(small):
    x, y = small
    with pytest.raises(ValueError, match=r"unknown loss 'triplet'; choose one of"):
        training.fit_embedding(x, y, loss="triplet", epochs=1, verbose=0)
    with pytest.raises(ValueError, match="single class"):
        training.fit_embedding(x, np.zeros(len(x), int), epochs=1, verbose=0)
    with pytest.raises(ValueError, match="classes_per_batch=9 is larger than the number of classes"):
        training.fit_embedding(x, y, classes_per_batch=9, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="must be 3-D"):
        training.fit_classifier(x[:, :, 0], y, epochs=1, verbose=0)


def test_contrastive_training_runs_with_both_losses(small):
    x, y = small
    for loss in ("ntxent", "supcon"):
        fit = training.fit_contrastive(
            x,
            y,
            loss=loss,
            encoder="fcn",
            encoder_config=SMALL_FCN,
            embedding_dim=2,
            batch_size=16,
            epochs=1,
            seed=0,
            verbose=0,
        )
        z = training.embed(fit.model, x)
        assert z.shape == (len(x), 2) and np.isfinite(z).all()
        assert np.isfinite(fit.history["loss"]).all()
    with pytest.raises(ValueError, match="needs y_train"):
        training.fit_contrastive(x, None, loss="supcon", epochs=1, verbose=0)
    # One series has no negatives: its loss is 0 from the first step, so this "fit" would learn nothing.
    with pytest.raises(ValueError, match="at least 2 training series to contrast; got 1"):
        training.fit_contrastive(x[:1], None, epochs=1, verbose=0)


@pytest.mark.slow
def test_conv_semihard_end_to_end_beats_chance(vowels):
    """The study's network and loss on the default dataset: a few epochs lift P@1 well above chance."""
    untrained = models.embedding_model(models.build_encoder("conv", vowels.x_train.shape[1:]), dim=None)
    before = training.evaluate_embedding(untrained, vowels.x_train, vowels.y_train, vowels.x_test, vowels.y_test)
    fit = training.fit_embedding(
        vowels.x_train, vowels.y_train, loss="semihard", encoder="conv", embedding_dim=None, epochs=5, seed=0, verbose=0
    )
    after = training.evaluate_embedding(fit.model, vowels.x_train, vowels.y_train, vowels.x_test, vowels.y_test)
    chance = np.max(np.bincount(vowels.y_test)) / len(vowels.y_test)  # best constant guess: 0.24
    assert after["precision_at_1"] > max(0.8, chance, before["precision_at_1"])
    expected = {
        "precision_at_1",
        "r_precision",
        "mean_average_precision_at_r",
        "mean_average_precision",
        "mean_reciprocal_rank",
        "NMI",
        "AMI",
        "legacy_map_at_k",
        "knn_accuracy",
        "knn_accuracy_at_3",
        "knn_accuracy_at_5",
        "knn_accuracy_at_10",
    }
    assert expected <= set(after)


def test_recipe_sets_batches_budget_and_keeps_the_best_validation_weights(vowels):
    from tslearnkit import recipe as rc

    keep = np.concatenate([np.flatnonzero(vowels.y_train == c)[:25] for c in range(3)])
    x, y = vowels.x_train[keep], vowels.y_train[keep]
    r = dataclasses.replace(rc.make_recipe(y, *x.shape[1:]), steps=24, validation_fraction=0.2)
    assert r.validation_fraction > 0
    fit = training.fit_embedding(
        x, y, loss="semihard", recipe=r, encoder="fcn", encoder_config=SMALL_FCN, seed=0, verbose=0
    )
    kept, held = data.stratified_split_indices(y, r.validation_fraction, seed=0)
    per_epoch = sampling.steps_per_epoch(y[kept], r.classes_per_batch, r.samples_per_class)
    assert fit.epochs == r.epochs_for(per_epoch) and fit.steps >= r.steps
    assert fit.best_epoch is not None and fit.best_epoch >= fit.epochs // 2  # selection in the second half
    logged = fit.history["val_mean_average_precision_at_r"]
    assert len(logged) >= 1 and max(logged) <= 1.0
    # the restored weights score exactly the best logged value on the held-out series
    from tslearnkit import metrics

    again = metrics.retrieval_metrics(
        training.embed(fit.model, x[held]),
        y[held],
        training.embed(fit.model, x[kept]),
        y[kept],
        include=["mean_average_precision_at_r"],
    )["mean_average_precision_at_r"]
    assert again == pytest.approx(max(logged), abs=1e-6)


def test_recipe_must_be_a_recipe(small):
    x, y = small
    with pytest.raises(ValueError, match="recipe must be a tslearnkit.recipe.Recipe"):
        training.fit_embedding(x, y, recipe={"steps": 10})


@pytest.mark.parametrize("how", ["nan_learning_rate", "huge_inputs"])
@pytest.mark.parametrize("helper", ["fit_embedding", "fit_classifier", "fit_contrastive"])
def test_diverging_training_stops_with_the_kits_error(small, helper, how):
    from tslearnkit.callbacks import NonFiniteTrainingError

    x, y = small
    lr = float("nan") if how == "nan_learning_rate" else 1e-3
    x = x if how == "nan_learning_rate" else x * np.float32(1e30)
    kwargs = {"encoder": "fcn", "encoder_config": SMALL_FCN, "epochs": 2, "learning_rate": lr, "verbose": 0}
    if helper == "fit_embedding":
        kwargs.update(classes_per_batch=4, samples_per_class=3)
    if helper == "fit_contrastive":
        kwargs.update(batch_size=16)
    with pytest.raises(NonFiniteTrainingError, match=r"training stopped at epoch 1: .*learning rate"):
        getattr(training, helper)(x, y, **kwargs)


def test_guard_works_in_plain_model_fit(small):
    from tslearnkit.callbacks import NonFiniteGuard, NonFiniteTrainingError

    x, y = small
    model = models.embedding_model(models.build_encoder("fcn", x.shape[1:], **SMALL_FCN))
    model.compile(optimizer=keras.optimizers.Adam(float("nan")), loss=losses.TripletSemiHardLoss())
    with pytest.raises(NonFiniteTrainingError, match="epoch 1"):
        model.fit(x, y, batch_size=16, epochs=3, verbose=0, callbacks=[NonFiniteGuard()])


def test_fit_stops_once_the_loss_has_stayed_near_zero(small, capsys):
    """Two easy classes: the hinge loss reaches zero early; the idle rule stops the fit there,
    and stop_when_idle=None trains the whole budget."""
    x, y = small
    keep = y < 2
    kwargs = dict(
        loss="batch_all",
        encoder="fcn",
        encoder_config=SMALL_FCN,
        embedding_dim=8,
        classes_per_batch=2,
        samples_per_class=6,
        epochs=60,
        learning_rate=3e-3,
        seed=0,
        verbose=0,
    )
    stopped = training.fit_embedding(x[keep], y[keep], stop_when_idle=4, **{**kwargs, "verbose": 2})
    assert f"stopped after epoch {stopped.epochs}/60" in capsys.readouterr().out  # the summary lines say so
    full = training.fit_embedding(x[keep], y[keep], stop_when_idle=None, **kwargs)
    assert full.epochs == 60 and full.idle_stop_epoch is None
    assert stopped.idle_stop_epoch is not None and stopped.epochs == stopped.idle_stop_epoch < 60
    tail = stopped.history["loss"][-2:]  # 4 steps at 2 steps per epoch: the last two epochs
    assert all(v <= 1e-3 * stopped.history["loss"][0] for v in tail)
    with pytest.raises(ValueError, match="stop_when_idle must be None"):
        training.fit_embedding(x[keep], y[keep], stop_when_idle=0, **kwargs)


def test_a_fit_whose_loss_did_not_fall_says_so(small, capsys):
    x, y = small
    fit = training.fit_embedding(
        x,
        y,
        loss="semihard",
        encoder="fcn",
        encoder_config=SMALL_FCN,
        embedding_dim=8,
        classes_per_batch=4,
        samples_per_class=4,
        epochs=3,
        learning_rate=1e-12,  # no step moves the weights: the loss cannot fall
        seed=0,
        verbose=2,
    )
    assert fit.learned is False
    assert "did NOT learn" in fit.learning_report()
    assert "did NOT learn" in capsys.readouterr().out


@pytest.mark.parametrize(("head", "label"), [("linear", "cross-entropy: "), ("cosine", "cross-entropy, cosine head: ")])
def test_a_classifiers_progress_lines_name_its_head(small, capsys, head, label):
    x, y = small
    training.fit_classifier(
        x, y, encoder="fcn", encoder_config=SMALL_FCN, head=head, batch_size=16, epochs=1, seed=0, verbose=2
    )
    out = capsys.readouterr().out
    assert label in out
    if head == "linear":
        assert "cosine head" not in out


def test_without_a_recipe_a_two_class_fit_takes_both_classes_a_batch(small, monkeypatch):
    """The default P is 4; a binary dataset (GunPoint, Coffee, ECG200) has 2, and fit_embedding used to refuse
    its own default there ('classes_per_batch=4 is larger than the number of classes')."""
    x, y = small
    two = y < 2
    seen = []
    real = sampling.balanced_batches
    monkeypatch.setattr(sampling, "balanced_batches", lambda *a, **k: seen.append(a[2]) or real(*a, **k))
    fit = training.fit_embedding(
        x[two], y[two], encoder_config={"filters": 4}, embedding_dim=4, samples_per_class=4, epochs=1, verbose=0
    )
    assert seen == [2] and np.isfinite(fit.history["loss"]).all()


def test_supcon_at_its_floor_learned():
    """SupCon on P×K batches cannot fall below log(K - 1): a loss of 3.44 -> 3.30 with K = 28 sits at its floor
    (log 27 = 3.296), and lesson 07 called that model untrained."""
    import math

    at_floor = training.FitResult(None, None, {"loss": [3.44, 3.30]}, 0.0, 2, loss_floor=math.log(27))
    assert at_floor.learned and "against a floor of 3.3" in at_floor.learning_report()
    assert training.FitResult(None, None, {"loss": [3.44, 3.30]}, 0.0, 2).learned is False  # a triplet loss: floor 0


def test_a_loss_that_rose_is_called_a_rise_not_a_small_fall():
    """NT-Xent's loss went 3.73 -> 7.61 on a made-up run, and the report called that 'less than a 10% fall'."""
    rose = training.FitResult(None, None, {"loss": [3.73, 7.61]}, 0.0, 2).learning_report()
    assert "a rise: this model did NOT learn" in rose and "fall" not in rose
    flat = training.FitResult(None, None, {"loss": [1.0, 0.95]}, 0.0, 2).learning_report()
    assert "less than a 10% fall: this model did NOT learn" in flat


def test_fit_embedding_gives_supcon_its_floor(small):
    import math

    x, y = small
    options = dict(
        encoder="fcn", encoder_config=SMALL_FCN, classes_per_batch=4, samples_per_class=4, epochs=1, verbose=0
    )
    assert training.fit_embedding(x, y, loss="supcon", **options).loss_floor == pytest.approx(math.log(3))
    assert training.fit_embedding(x, y, loss="semihard", **options).loss_floor == 0.0


def test_a_recipe_with_per_series_channels_puts_the_standardising_layer_in_the_embedding_model(small, monkeypatch):
    from tslearnkit import augment, recipe

    x, y = small
    base = recipe.make_recipe(y, x.shape[1], x.shape[2], quick=True)
    wrapped = []
    monkeypatch.setattr(augment, "at_series_scale", lambda f: wrapped.append(f) or f)
    fit = training.fit_embedding(
        x,
        y,
        recipe=dataclasses.replace(base, per_series_channels=True, augment=True),
        encoder="fcn",
        encoder_config=SMALL_FCN,
        loss="semihard",
        seed=0,
        verbose=0,
    )
    names = [layer.name for layer in fit.embedding_model.layers[1].layers]
    assert "per_series_standardization" in names and fit.embedding_model.input_shape == (None, *x.shape[1:])
    assert fit.embedding_model(x[:2]).shape == (2, 128)
    assert len(wrapped) == 1  # the batch augmenter works at each series' own scale
    plain = training.fit_embedding(x, y, recipe=base, encoder="fcn", encoder_config=SMALL_FCN, seed=0, verbose=0)
    assert "per_series_standardization" not in [layer.name for layer in plain.embedding_model.layers[1].layers]
