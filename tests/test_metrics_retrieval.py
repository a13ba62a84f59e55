"""Tests for tslearnkit.metrics.retrieval (and its neighbours module) against brute-force loops
and pytorch-metric-learning goldens (tests/golden/pml_cases.npz, pml_expected.json, from real
PML 2.9.0 and 0.9.99 runs; tests/golden/make_pml_goldens.py rewrites them).
"""

from __future__ import annotations

import numpy as np
import pytest
from metrics_helpers import (
    EXPECTED,
    GOLDEN_NAMES,
    KNN_KEYS,
    PML_KEYS,
    assert_metrics_close,
    brute_force,
    golden_case,
    grid_data,
    ours,
)

from tslearnkit import metrics


def test_goldens_cover_the_required_settings():
    cases = EXPECTED["cases"].values()
    assert len(GOLDEN_NAMES) >= 12
    assert {c["k"] for c in cases} >= {None, 3, "max_bin_count"}
    assert {c["leave_one_out"] for c in cases} == {True, False}
    assert any(c["ref_includes_query"] for c in cases)
    assert min(c["n_query"] for c in cases) <= 50 and max(c["n_reference"] for c in cases) >= 500
    assert EXPECTED["versions"]["pml2"]["pytorch_metric_learning"].startswith("2.")
    assert EXPECTED["versions"]["pml0999"]["pytorch_metric_learning"] == "0.9.99"


@pytest.mark.parametrize("name", GOLDEN_NAMES)
def test_matches_pytorch_metric_learning(name):
    case = golden_case(name)
    result = ours(case)
    assert_metrics_close(result, EXPECTED["cases"][name]["pml"], PML_KEYS)


@pytest.mark.parametrize("name", GOLDEN_NAMES)
def test_legacy_map_at_k_matches_pml_0999(name):
    expected = EXPECTED["cases"][name]
    case = golden_case(name)
    legacy = expected["pml0999"]["mean_average_precision"]
    if expected["has_foreign_duplicate"]:
        # 0.9.99 dropped the first neighbour as "self"; with an exact duplicate of the query
        # ranked first it dropped the duplicate instead. Reproduce that to show it is the only
        # difference, and check that our (own-row) value differs.
        first = brute_force(
            case["query"],
            case["query_labels"],
            case["reference"],
            case["reference_labels"],
            case["k"],
            bool(case["ref_includes_query"]),
            drop="first",
        )
        assert first["legacy_map_at_k"] == pytest.approx(legacy, rel=1e-6)
        assert ours(case)["legacy_map_at_k"] != pytest.approx(legacy, rel=1e-6)
    else:
        assert ours(case)["legacy_map_at_k"] == pytest.approx(legacy, rel=1e-6)


@pytest.mark.parametrize("name", [n for n in GOLDEN_NAMES if "gaussian" not in n])
def test_brute_force_reproduces_goldens(name):
    # integer-valued inputs: float64 brute force and float32 faiss see identical distances
    case = golden_case(name)
    expected = brute_force(
        case["query"],
        case["query_labels"],
        case["reference"],
        case["reference_labels"],
        case["k"],
        bool(case["ref_includes_query"]),
    )
    assert_metrics_close(expected, EXPECTED["cases"][name]["pml"], PML_KEYS[:5])


def test_torch_topk_tie_order_differs_on_tied_goldens():
    # documents why the tie rule follows faiss (PML's default k-NN): torch.topk's order of tied
    # distances differs, so PML with CustomKNN gives other numbers on tied data
    grid_cases = EXPECTED["cases"]["loo_grid_ties_knone"]
    assert grid_cases["pml_torch_topk"]["precision_at_1"] != grid_cases["pml"]["precision_at_1"]


@pytest.mark.parametrize("k", [None, 1, 3, 7, "max_bin_count"])
@pytest.mark.parametrize("leave_one_out", [True, False])
@pytest.mark.parametrize("seed", [0, 1])
def test_matches_brute_force_on_tied_grids(k, leave_one_out, seed):
    query, labels = grid_data(seed, 70)
    reference, reference_labels = (None, None) if leave_one_out else grid_data(seed + 10, 90)
    expected = brute_force(query, labels, reference, reference_labels, k)
    for chunk_size in (1, 13, None):
        result = metrics.retrieval_metrics(
            query, labels, reference, reference_labels, k=k, include=KNN_KEYS, chunk_size=chunk_size
        )
        assert_metrics_close(result, expected, KNN_KEYS, rtol=1e-12)


@pytest.mark.parametrize("k", [None, 2, 5])
def test_matches_brute_force_on_continuous_data_with_lone_labels(k):
    rng = np.random.default_rng(3)
    query = rng.standard_normal((60, 5)).astype(np.float32)
    labels = rng.integers(0, 6, 60)
    labels[:2] = [10, 11]  # two lone labels
    reference = np.concatenate([query, rng.standard_normal((40, 5)).astype(np.float32)])
    reference_labels = np.concatenate([labels, rng.integers(0, 6, 40)])
    expected = brute_force(query, labels, reference, reference_labels, k, True)
    result = metrics.retrieval_metrics(
        query, labels, reference, reference_labels, k=k, ref_includes_query=True, include=KNN_KEYS
    )
    assert_metrics_close(result, expected, KNN_KEYS, rtol=1e-12)


def test_hand_computed_ranking():
    # one query at 0; references on a line, labels a/b; R = 3 relevant ("a")
    query = np.zeros((1, 1), np.float32)
    reference = np.array([[1.0], [2.0], [3.0], [4.0], [5.0]], np.float32)
    reference_labels = np.array(["a", "b", "b", "a", "a"])
    result = metrics.retrieval_metrics(query, ["a"], reference, reference_labels, k=None, include=KNN_KEYS)
    # hits at ranks 1, 4, 5: precisions 1, 2/4, 3/5
    assert result["precision_at_1"] == 1.0
    assert result["r_precision"] == pytest.approx(1 / 3)
    assert result["mean_average_precision_at_r"] == pytest.approx(1 / 3)
    assert result["mean_average_precision"] == pytest.approx((1 + 0.5 + 0.6) / 3)
    assert result["mean_reciprocal_rank"] == 1.0
    at3 = metrics.retrieval_metrics(query, ["a"], reference, reference_labels, k=3, include=KNN_KEYS)
    # the study's MaP@3 ignores the two relevant items not retrieved; today's MAP divides by R
    assert at3["legacy_map_at_k"] == 1.0
    assert at3["mean_average_precision"] == pytest.approx(1 / 3)


def test_tie_rule_lower_reference_index_first():
    query = np.zeros((1, 2), np.float32)
    reference = np.array([[1.0, 0.0], [0.0, 1.0]], np.float32)  # same distance
    first_wrong = metrics.retrieval_metrics(query, [0], reference, [1, 0], include=KNN_KEYS)
    first_right = metrics.retrieval_metrics(query, [0], reference, [0, 1], include=KNN_KEYS)
    assert first_wrong["precision_at_1"] == 0.0 and first_wrong["mean_reciprocal_rank"] == 0.5
    assert first_right["precision_at_1"] == 1.0


def test_self_is_removed_by_index_not_by_rank():
    # rows 0 and 1 coincide with different labels: row 1's nearest non-self neighbour is row 0
    query = np.array([[0.0], [0.0], [5.0], [5.1]], np.float32)
    labels = np.array([0, 1, 1, 0])
    result = metrics.retrieval_metrics(query, labels, include=["precision_at_1"])
    assert result["precision_at_1"] == 0.0  # a drop-first rule would have scored row 1 a hit


def test_reference_none_equals_explicit_leave_one_out():
    rng = np.random.default_rng(5)
    query, labels = rng.standard_normal((50, 3)).astype(np.float32), rng.integers(0, 3, 50)
    implicit = metrics.retrieval_metrics(query, labels, k=4)
    explicit = metrics.retrieval_metrics(query, labels, query, labels, k=4, ref_includes_query=True)
    assert implicit == explicit
    separate = metrics.retrieval_metrics(query, labels, query, labels, k=4)
    assert separate["precision_at_1"] == 1.0  # without ref_includes_query each query finds itself


def test_lone_queries_are_left_out_and_all_lone_gives_nan():
    query = np.array([[0.0], [1.0], [9.0]], np.float32)
    labels = np.array([0, 0, 1])  # label 1 is lone in leave-one-out
    result = metrics.retrieval_metrics(query, labels, include=KNN_KEYS)
    assert result["precision_at_1"] == 1.0  # only the two label-0 queries count
    all_lone = metrics.retrieval_metrics(query, labels, query, [5, 6, 7], include=KNN_KEYS)
    assert all(np.isnan(v) for v in all_lone.values())


def test_dtype_and_label_types_do_not_change_results():
    query, labels = grid_data(8, 40, d=3)
    base = metrics.retrieval_metrics(query, labels, k=3)
    as_float64 = metrics.retrieval_metrics(query.astype(np.float64), labels.reshape(-1, 1), k=3)
    as_strings = metrics.retrieval_metrics(query, np.array(["c0", "c1", "c2"])[labels], k=3)
    assert base == as_float64 == as_strings


def test_chunks_stay_bounded(monkeypatch):
    rng = np.random.default_rng(0)
    query = rng.standard_normal((3000, 4)).astype(np.float32)
    labels = rng.integers(0, 3, 3000)
    expected = metrics.retrieval_metrics(query, labels, include=KNN_KEYS)
    shapes = []
    original = metrics.neighbours.squared_distances

    def recording(queries, reference, reference_sq):
        shapes.append(len(queries) * len(reference))
        return original(queries, reference, reference_sq)

    monkeypatch.setattr(metrics.neighbours, "_CHUNK_DISTANCES", 2**16)
    monkeypatch.setattr(metrics.neighbours, "squared_distances", recording)
    result = metrics.retrieval_metrics(query, labels, include=KNN_KEYS)
    assert max(shapes) <= 2**16 and len(shapes) > 100
    assert_metrics_close(result, expected, KNN_KEYS, rtol=1e-12)


def test_include_selects_metrics_and_skips_work(monkeypatch):
    query, labels = grid_data(2, 30)
    monkeypatch.setattr(metrics.clustering, "kmeans_cluster_labels", lambda *a, **k: pytest.fail("k-means ran"))
    result = metrics.retrieval_metrics(query, labels, include=["mean_average_precision"])
    assert list(result) == ["mean_average_precision"]


def test_values_depend_on_the_embedding():
    rng = np.random.default_rng(1)
    labels = np.repeat(np.arange(4), 25)
    separated = (labels[:, None] * 10 + rng.standard_normal((100, 3))).astype(np.float32)
    noise = rng.standard_normal((100, 3)).astype(np.float32)
    good = metrics.retrieval_metrics(separated, labels)
    bad = metrics.retrieval_metrics(noise, labels)
    assert good["precision_at_1"] == 1.0 and good["mean_average_precision_at_r"] == 1.0
    assert good["NMI"] == pytest.approx(1.0) and good["AMI"] == pytest.approx(1.0)
    assert bad["precision_at_1"] < 0.6 and bad["NMI"] < 0.3


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(query=np.zeros(5), query_labels=np.zeros(5)), r"query must be a 2-D array"),
        (dict(query_labels=np.zeros(9)), r"query_labels has 9 labels but query has 10 rows"),
        (
            dict(reference=np.ones((4, 2)), reference_labels=np.zeros(3)),
            r"reference_labels has 3 labels but reference has 4 rows",
        ),
        (dict(query=np.where(np.eye(10, 2) > 0, np.nan, 0.0)), r"query has NaN .* first at row 0"),
        (dict(reference=np.full((4, 2), np.inf), reference_labels=np.zeros(4)), r"reference has NaN or infinite"),
        (dict(reference=np.ones((4, 3)), reference_labels=np.zeros(4)), r"query has 2 dimensions but reference has 3"),
        (dict(reference=np.ones((4, 2))), r"reference and reference_labels together"),
        (
            dict(
                reference=np.vstack([[0.0, 1.0], np.ones((11, 2))]),
                reference_labels=np.arange(12) % 2,
                ref_includes_query=True,
            ),
            r"reference\[:len\(query\)\] equal to query; they differ first at row 1",
        ),
        (
            dict(reference=np.ones((4, 2)), reference_labels=np.zeros(4), ref_includes_query=True),
            r"start with the 10 queries, but it has only 4 rows",
        ),
        (dict(ref_includes_query=False), r"reference=None means leave-one-out"),
        (dict(k=0), r"k must be None, 'max_bin_count' or an integer >= 1; got 0"),
        (dict(k="all"), r"k must be None, 'max_bin_count'"),
        (dict(k=10), r"k=10 exceeds the 9 references"),
        (dict(include=["MAP"]), r"unknown metric\(s\) \['MAP'\]"),
        (dict(query_labels=np.zeros((10, 2))), r"query_labels must be 1-D"),
    ],
)
def test_bad_input_raises_value_error_naming_the_problem(kwargs, message):
    arguments = dict(query=np.arange(20.0).reshape(10, 2), query_labels=np.arange(10) % 2)
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=message):
        metrics.retrieval_metrics(**arguments)


def test_prefix_check_compares_labels_too():
    query = np.arange(8.0).reshape(4, 2)
    with pytest.raises(ValueError, match=r"reference_labels\[:len\(query\)\] .* row 2"):
        metrics.retrieval_metrics(query, [0, 0, 1, 1], query, [0, 0, 0, 1], ref_includes_query=True)


def test_metrics_from_distances_equal_the_embedding_path():
    rng = np.random.default_rng(11)
    query, reference = rng.normal(size=(60, 5)).astype(np.float32), rng.normal(size=(80, 5)).astype(np.float32)
    query_labels, reference_labels = rng.integers(0, 4, 60), rng.integers(0, 4, 80)
    distances = np.sqrt(((query[:, None] - reference[None]) ** 2).sum(-1))
    for k in (None, 3):
        expected = metrics.retrieval_metrics(
            query, query_labels, reference, reference_labels, k=k, include=metrics.KNN_METRIC_NAMES
        )
        got = metrics.retrieval_metrics_from_distances(distances, query_labels, reference_labels, k=k)
        for name in metrics.KNN_METRIC_NAMES:
            assert got[name] == pytest.approx(expected[name], rel=1e-6), name


def test_metrics_from_distances_reject_bad_matrices():
    with pytest.raises(ValueError, match="2-D"):
        metrics.retrieval_metrics_from_distances(np.zeros(3), [0], [0])
    with pytest.raises(ValueError, match="finite and non-negative"):
        metrics.retrieval_metrics_from_distances(-np.ones((1, 2)), [0], [0, 1])
    with pytest.raises(ValueError, match="do not match"):
        metrics.retrieval_metrics_from_distances(np.ones((1, 2)), [0, 1], [0, 1])
