"""tslearnkit.sampling: P×K batch composition, replacement, determinism, epoch coverage, and the
two batch pipelines (``tf.data`` on TensorFlow, a ``keras.utils.PyDataset`` elsewhere) holding the
same batches. Runs without TensorFlow too (the Colab TPU leg): the ``tf.data`` cases skip there."""

import keras
import numpy as np
import pytest

from tslearnkit import sampling

# Long-tailed like the study (1113 : 1029 : 666 : 189), scaled down.
Y_IMBALANCED = np.repeat(np.arange(4), [111, 103, 67, 19])


@pytest.fixture(params=sampling.BATCH_PIPELINES)
def pipeline(request, monkeypatch):
    """Each batch pipeline in turn (``tf.data`` only on the TensorFlow backend)."""
    if request.param == "tf.data" and keras.backend.backend() != "tensorflow":
        pytest.skip("tf.data is the TensorFlow backend's pipeline")
    monkeypatch.setattr(sampling, "batch_pipeline", lambda: request.param)
    return request.param


def as_numpy(batches) -> list[tuple[np.ndarray, np.ndarray]]:
    """Every ``(x, y)`` batch of either pipeline, as NumPy arrays."""
    return [(np.asarray(xb), np.asarray(yb)) for xb, yb in batches]


def n_batches(batches) -> int:
    return int(batches.cardinality()) if hasattr(batches, "cardinality") else len(batches)


def test_the_pipeline_follows_the_backend():
    expected = "tf.data" if keras.backend.backend() == "tensorflow" else "PyDataset"
    assert sampling.batch_pipeline() == expected
    batches = sampling.balanced_batches(np.zeros((300, 3, 1), np.float32), Y_IMBALANCED, 4, 10)
    assert isinstance(batches, sampling.IndexBatches) == (expected == "PyDataset")


def test_every_batch_has_p_classes_with_k_samples():
    batches = sampling.balanced_batch_indices(Y_IMBALANCED, 4, 10, seed=0)
    for row in batches:
        classes, counts = np.unique(Y_IMBALANCED[row], return_counts=True)
        assert len(classes) == 4
        assert counts.tolist() == [10] * 4


def test_p_smaller_than_number_of_classes():
    y = np.repeat(np.arange(9), 30)
    batches = sampling.balanced_batch_indices(y, 3, 5, seed=1)
    for row in batches:
        classes, counts = np.unique(y[row], return_counts=True)
        assert len(classes) == 3 and set(counts) == {5}


def test_epoch_covers_every_sample():
    for seed in range(3):
        batches = sampling.balanced_batch_indices(Y_IMBALANCED, 4, 10, seed=seed)
        assert set(batches.ravel()) == set(range(len(Y_IMBALANCED)))
        assert len(batches) == sampling.steps_per_epoch(Y_IMBALANCED, 4, 10) == 12
    y = np.repeat(np.arange(9), 30)
    batches = sampling.balanced_batch_indices(y, 4, 8, seed=0)
    assert set(batches.ravel()) == set(range(len(y)))


def test_no_repeats_within_a_class_before_it_is_used_up():
    # Class 0 has 111 samples, K=10: its first 110 draws in an epoch are distinct.
    batches = sampling.balanced_batch_indices(Y_IMBALANCED, 4, 10, seed=0)
    drawn = [i for row in batches for i in row if Y_IMBALANCED[i] == 0]
    assert len(set(drawn)) == 111


def test_small_class_is_drawn_with_replacement():
    y = np.array([0] * 20 + [1] * 3)  # class 1 has fewer than K = 5 samples
    batches = sampling.balanced_batch_indices(y, 2, 5, seed=0)
    for row in batches:
        minority = row[y[row] == 1]
        assert len(minority) == 5
        assert set(minority) == {20, 21, 22}  # all three, some twice


def test_deterministic_per_seed_and_epoch():
    a = sampling.balanced_batch_indices(Y_IMBALANCED, 4, 10, seed=7, epoch=0)
    b = sampling.balanced_batch_indices(Y_IMBALANCED, 4, 10, seed=7, epoch=0)
    c = sampling.balanced_batch_indices(Y_IMBALANCED, 4, 10, seed=7, epoch=1)
    d = sampling.balanced_batch_indices(Y_IMBALANCED, 4, 10, seed=8, epoch=0)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert not np.array_equal(a, d)


def test_batches_come_in_order_with_their_labels_and_a_new_order_each_epoch(pipeline):
    x = np.arange(len(Y_IMBALANCED), dtype=np.float32)[:, None, None] * np.ones((1, 3, 2), np.float32)
    dataset = sampling.balanced_batches(x, Y_IMBALANCED, 4, 10, seed=0, epochs=2)
    assert n_batches(dataset) == 24
    batches = as_numpy(dataset)
    again = as_numpy(dataset)
    xb, yb = batches[0]
    assert xb.shape == (40, 3, 2) and xb.dtype == np.float32 and yb.dtype == np.int64
    # Labels travel with their series.
    np.testing.assert_array_equal(Y_IMBALANCED[xb[:, 0, 0].astype(int)], yb)
    seen = np.stack([b[0][:, 0, 0] for b in batches]).astype(int)
    for epoch in (0, 1):
        expected = sampling.balanced_batch_indices(Y_IMBALANCED, 4, 10, seed=0, epoch=epoch)
        np.testing.assert_array_equal(seen[epoch * 12 : (epoch + 1) * 12], expected)
    assert not np.array_equal(seen[:12], seen[12:])  # each epoch differs
    # Re-iterating the dataset replays the same batches (what a second replica would see).
    np.testing.assert_array_equal(np.stack([b[1] for b in again]), np.stack([b[1] for b in batches]))


def test_shuffled_batches_cover_each_epoch_once(pipeline):
    x = np.arange(10, dtype=np.float32)[:, None, None]
    y = np.arange(10) % 2
    dataset = as_numpy(sampling.shuffled_batches(x, y, 4, seed=1, epochs=2))
    sizes = [len(b[1]) for b in dataset]
    assert sizes == [4, 4, 2, 4, 4, 2]
    seen = np.concatenate([b[0][:, 0, 0] for b in dataset]).astype(int)
    assert sorted(seen[:10]) == list(range(10)) and sorted(seen[10:]) == list(range(10))
    assert not np.array_equal(seen[:10], seen[10:])
    dropped = sampling.shuffled_batches(x, y, 4, seed=1, drop_remainder=True)
    assert [len(b[1]) for b in as_numpy(dropped)] == [4, 4]
    with pytest.raises(ValueError, match="give no full batch"):
        sampling.shuffled_steps_per_epoch(3, 4, drop_remainder=True)


def test_same_seed_same_batches(pipeline):
    x = np.random.default_rng(0).normal(size=(len(Y_IMBALANCED), 3, 1)).astype(np.float32)
    first = [b[1] for b in as_numpy(sampling.balanced_batches(x, Y_IMBALANCED, 4, 10, seed=5))]
    second = [b[1] for b in as_numpy(sampling.balanced_batches(x, Y_IMBALANCED, 4, 10, seed=5))]
    np.testing.assert_array_equal(np.stack(first), np.stack(second))


def test_both_pipelines_hold_the_same_batches(monkeypatch):
    if keras.backend.backend() != "tensorflow":
        pytest.skip("tf.data is the TensorFlow backend's pipeline")
    x = np.random.default_rng(1).normal(size=(len(Y_IMBALANCED), 5, 2)).astype(np.float32)
    built = {}
    for name in sampling.BATCH_PIPELINES:
        monkeypatch.setattr(sampling, "batch_pipeline", lambda name=name: name)
        built[name] = as_numpy(sampling.balanced_batches(x, Y_IMBALANCED, 3, 6, seed=2, epochs=2))
    for (xa, ya), (xb, yb) in zip(*built.values(), strict=True):
        np.testing.assert_array_equal(xa, xb)
        np.testing.assert_array_equal(ya, yb)


def test_a_pydataset_applies_its_numpy_transform_per_batch_in_order(monkeypatch):
    monkeypatch.setattr(sampling, "batch_pipeline", lambda: "PyDataset")
    calls = []

    def transform(xb, yb):
        calls.append(len(yb))
        return xb + len(calls), yb  # batch i is shifted by i + 1: the calls come in order

    x = np.zeros((len(Y_IMBALANCED), 3, 1), np.float32)
    batches = sampling.balanced_batches(x, Y_IMBALANCED, 2, 4, seed=0, transform=transform)
    assert isinstance(batches, sampling.IndexBatches) and isinstance(batches, keras.utils.PyDataset)
    shifts = [float(xb[0, 0, 0]) for xb, _ in as_numpy(batches)]
    assert shifts == [float(i + 1) for i in range(len(batches))]
    with pytest.raises(IndexError):
        batches[len(batches)]


def test_p_larger_than_classes_is_rejected():
    with pytest.raises(
        ValueError, match="classes_per_batch=5 is larger than the number of classes in the data \\(4\\)"
    ):
        sampling.balanced_batch_indices(Y_IMBALANCED, 5, 10)


def test_k_below_two_is_rejected():
    with pytest.raises(ValueError, match="samples_per_class must be >= 2"):
        sampling.balanced_batch_indices(Y_IMBALANCED, 2, 1)


def test_bad_series_are_rejected():
    with pytest.raises(ValueError, match="must be 3-D"):
        sampling.balanced_batches(np.zeros((10, 5)), np.zeros(10, int), 1, 2)
    with pytest.raises(ValueError, match="y has 3 labels but there are 10 series"):
        sampling.balanced_batches(np.zeros((10, 5, 1)), np.zeros(3, int), 1, 2)
