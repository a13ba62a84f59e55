"""The open-set benchmark (issue 22): class draws, what a fit may read, records, table, findings,
the figure and the CLI's quick mode."""

from __future__ import annotations

import json

import numpy as np
import pytest

import tslearnkit as tk
from tslearnkit import course
from tslearnkit.course import open_set_benchmark as osb


def _dataset(n_classes=6, per_class=8, timesteps=20, channels=2, seed=0):
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for c in range(n_classes):
        wave = np.sin(np.linspace(0, (c + 1) * np.pi, timesteps))[:, None] * np.ones(channels)
        xs.append(wave + 0.3 * rng.normal(size=(per_class, timesteps, channels)))
        ys.append(np.full(per_class, c))
    x, y = np.concatenate(xs).astype(np.float32), np.concatenate(ys)
    train = np.arange(len(y)) % 2 == 0
    return tk.data.TimeSeriesDataset(
        "toy", x[train], y[train], x[~train], y[~train], tuple(f"c{i}" for i in range(n_classes))
    )


def test_default_class_counts_span_two_to_all_but_the_unseen():
    assert osb.default_class_counts(9) == [2, 4, 5, 7]
    assert osb.default_class_counts(6) == [2, 3, 4]
    assert osb.default_class_counts(4) == [2]
    assert osb.default_class_counts(30, max_counts=3) == [2, 15, 28]
    with pytest.raises(ValueError, match="at least 4 classes"):
        osb.default_class_counts(3)


def test_class_draws_are_seeded_disjoint_and_nested():
    classes = np.arange(9)
    unseen, order = osb.draw_classes(classes, 2, draw=1)
    again, order_again = osb.draw_classes(classes, 2, draw=1)
    assert np.array_equal(unseen, again) and np.array_equal(order, order_again)
    assert len(unseen) == 2 and not set(unseen) & set(order)
    assert sorted([*unseen, *order]) == list(range(9))
    others = {tuple(osb.draw_classes(classes, 2, draw=d)[0]) for d in range(6)}
    assert len(others) > 1  # draws differ


def test_task_trains_on_the_training_classes_only_and_scores_the_unseen_ones():
    data = _dataset()
    unseen, order = osb.draw_classes(np.arange(6), 2, draw=0)
    task = osb.make_task(data, unseen, order[:3], draw=0)
    assert set(np.unique(task.y_fit)) == set(order[:3])
    assert set(np.unique(task.y_seen_test)) == set(order[:3])
    assert set(np.unique(task.y_query)) == set(unseen) == set(np.unique(task.y_gallery))
    # standardised with the training classes' own statistics
    flat = task.x_fit.reshape(-1, task.x_fit.shape[-1])
    np.testing.assert_allclose(flat.mean(0), 0.0, atol=1e-5)
    np.testing.assert_allclose(flat.std(0), 1.0, atol=1e-4)


def _with_unseen_replaced(data, unseen, seed=1):
    """The same dataset, but every unseen series is noise and the unseen labels are shuffled
    among the unseen classes."""
    rng = np.random.default_rng(seed)
    parts = {}
    for split in ("train", "test"):
        x, y = getattr(data, f"x_{split}").copy(), getattr(data, f"y_{split}").copy()
        hidden = np.isin(y, unseen)
        x[hidden] = rng.normal(scale=50.0, size=x[hidden].shape)
        y[hidden] = rng.choice(unseen, size=hidden.sum())
        parts[split] = (x, y)
    return tk.data.TimeSeriesDataset(data.name, *parts["train"], *parts["test"], data.class_names)


@pytest.mark.parametrize("method", ["ce", "semihard"])
def test_no_step_of_a_fit_reads_the_unseen_classes(method):
    data = _dataset()
    unseen, order = osb.draw_classes(np.arange(6), 2, draw=0)
    weights = []
    for variant in (data, _with_unseen_replaced(data, unseen)):
        task = osb.make_task(variant, unseen, order[:4], draw=0)
        recipe = osb.open_set_recipe(task.y_fit, variant.timesteps, variant.channels, quick=True)
        fit = osb.fit_open_set(method, task.x_fit, task.y_fit, recipe, seed=0)
        weights.append(fit.embedding_model.get_weights())
    assert len(weights[0]) == len(weights[1])
    for a, b in zip(*weights):
        np.testing.assert_array_equal(a, b)
    # the check can fail: the replacement did change the unseen part
    assert not np.array_equal(
        osb.make_task(data, unseen, order[:4], draw=0).x_query,
        osb.make_task(_with_unseen_replaced(data, unseen), unseen, order[:4], draw=0).x_query,
    )


def test_open_set_recipe_selects_nothing():
    y = np.repeat(np.arange(3), 60)  # enough series per class for the closed-set recipe's validation share
    assert tk.recipe.make_recipe(y, 20, 1).validation_fraction > 0
    assert osb.open_set_recipe(y, 20, 1).validation_fraction == 0.0


def test_fit_open_set_refuses_raw_and_unknown_methods():
    with pytest.raises(ValueError, match="method must be one of"):
        osb.fit_open_set("dtw", np.zeros((4, 5, 1), np.float32), np.array([0, 0, 1, 1]), None)
    with pytest.raises(ValueError, match="'arcface'"):
        osb.fit_open_set("arcface", np.zeros((4, 5, 1), np.float32), np.array([0, 0, 1, 1]), None)


def _record(dataset, method, k, draw, value):
    return {
        "lesson": osb.LESSON,
        "protocol": "open-set",
        "source_dataset": dataset,
        "method": method,
        "training_class_count": k,
        "class_draw": draw,
        "metrics": {osb.METRIC: value},
    }


def _synthetic_records():
    records = []
    for draw, noise in enumerate((0.0, 0.01)):
        records.append(_record("D", "1-NN DTW (raw)", 0, draw, 0.70 + noise))
        for k, ce, semihard in ((2, 0.60, 0.55), (6, 0.65, 0.80)):
            records.append(_record("D", "cross-entropy", k, draw, ce + noise))
            records.append(_record("D", "triplet semi-hard", k, draw, semihard + noise))
    return records


def test_table_has_a_column_per_count_and_mean_std_cells():
    table = osb.open_set_table(_synthetic_records())
    assert "| method | 2 classes | 6 classes |" in table
    assert "| triplet semi-hard | 0.555 ± 0.005 | 0.805 ± 0.005 |" in table
    assert "| 1-NN DTW (raw) | 0.705 ± 0.005 | 0.705 ± 0.005 |" in table
    assert "2 class draws" in table


def test_findings_are_computed_from_the_records():
    lines = osb.open_set_findings(_synthetic_records())
    assert lines[0].startswith("D, 6 training classes: the best learned embedding is triplet semi-hard (MAP@R 0.805")
    assert "it beats raw 1-NN DTW (0.705) by 0.100" in lines[0]
    assert "0.150 above cross-entropy (0.655)" in lines[0]
    assert "-0.050 with 2 training classes and +0.150 with 6: it grows" in lines[1]
    # the other way round, the sentence turns
    flipped = [
        {**r, "metrics": {osb.METRIC: 1.4 - r["metrics"][osb.METRIC]}} if r["method"] != "1-NN DTW (raw)" else r
        for r in _synthetic_records()
    ]
    lines = osb.open_set_findings(flipped)
    assert "cross-entropy (MAP@R 0.745" in lines[0] and "it beats raw 1-NN DTW" in lines[0]
    assert "it shrinks" in lines[1]


def test_figure_draws_a_panel_per_dataset_and_the_dtw_level(tmp_path):
    records = _synthetic_records() + [
        {**r, "source_dataset": "E"} for r in _synthetic_records() if r["method"] != "1-NN DTW (raw)"
    ]
    fig = course.open_set_figure.plot_open_set_curves(records)
    axes = [ax for ax in fig.axes if ax.get_title()]
    assert [ax.get_title() for ax in axes] == ["D", "E"]
    dashed = [line for line in axes[0].get_lines() if line.get_linestyle() == "--"]
    assert len(dashed) == 1 and dashed[0].get_ydata()[0] == pytest.approx(0.705)
    assert not [line for line in axes[1].get_lines() if line.get_linestyle() == "--"]
    with pytest.raises(ValueError, match="no open-set benchmark record"):
        course.open_set_figure.plot_open_set_curves([])


def test_cli_quick_open_set_benchmark_writes_records_that_carry_the_protocol(tmp_path, capsys):
    from tslearnkit.course.cli import main

    out = tmp_path / "os"
    argv = ["benchmark", "--protocol", "open-set", "--quick", "--datasets", "JapaneseVowels", "--draws", "1"]
    assert main([*argv, "--methods", "euclidean", "cosine", "--out", str(out)]) == 0
    records = [json.loads(p.read_text()) for p in sorted((out / "results").glob("*.json"))]
    learned = [r for r in records if r["method"] == "cosine softmax"]
    assert {r["training_class_count"] for r in learned} == {2, 7}
    for r in records:
        assert r["protocol"] == "open-set" and r["class_draw"] == 0 and len(r["unseen_classes"]) == 2
    for r in learned:
        assert r["embedding_dim"] == 128 and len(r["training_classes"]) == r["training_class_count"]
        assert not set(r["training_classes"]) & set(r["unseen_classes"])
    assert "| cosine softmax |" in (out / "open_set_table.md").read_text()
    with pytest.raises(SystemExit, match="minirocket"):
        main([*argv, "--methods", "minirocket", "--out", str(out)])
    with pytest.raises(SystemExit, match="class_counts must lie in 2 .. 7"):
        main([*argv, "--class-counts", "8", "--methods", "euclidean", "--out", str(out)])
    with pytest.raises(SystemExit, match="belong to --protocol open-set"):
        main(["benchmark", "--draws", "2", "--out", str(out)])


def test_class_counts_are_checked_on_every_dataset_before_the_first_record(tmp_path):
    out = tmp_path / "os"
    # 4 training classes suit JapaneseVowels (9 classes) but not BasicMotions (4, 2 of them unseen).
    with pytest.raises(ValueError, match="class_counts must lie in 2 .. 2 for BasicMotions"):
        osb.run_open_set_benchmark(
            ["JapaneseVowels", "BasicMotions"], draws=1, class_counts=[4], methods=["euclidean"], out=out, quick=True
        )
    assert not list(out.glob("results/*.json")), "a record was written before the second dataset's counts were checked"


def test_cosine_head_scores_the_angle_and_gives_unit_embeddings():
    layer = tk.models.CosineLogits(3, scale=10.0)
    emb = np.eye(4, dtype=np.float32)[:2]
    logits = np.asarray(layer(emb))
    w = np.asarray(layer.class_weights)
    expected = 10.0 * emb @ (w / np.linalg.norm(w, axis=0))
    np.testing.assert_allclose(logits, expected, rtol=1e-5)
    encoder = tk.models.build_encoder("fcn", (16, 2))
    with pytest.raises(ValueError, match="head must be one of"):
        tk.models.classifier_model(encoder, 3, head="arc")
    x = np.random.default_rng(0).normal(size=(12, 16, 2)).astype(np.float32)
    fit = tk.training.fit_classifier(x, np.arange(12) % 3, encoder="fcn", head="cosine", epochs=1, verbose=0)
    norms = np.linalg.norm(tk.training.embed(fit.embedding_model, x), axis=1)
    np.testing.assert_allclose(norms, 1.0, rtol=1e-5)


def test_open_set_page_table_and_findings_equal_the_committed_records():
    from pathlib import Path

    from tslearnkit.course import readme_sections

    root = Path(__file__).resolve().parent.parent
    records = osb.load_open_set_records(root / "results" / "open_set")
    assert {r["source_dataset"] for r in records} >= {"JapaneseVowels"}
    readme = (root / "docs" / "open_set.md").read_text()
    hint = "run `tslearnkit table --open-set results/open_set --figure figures/open_set_curves.png "
    hint += "--readme docs/open_set.md`"
    assert (
        readme_sections.readme_section(readme, readme_sections.OPEN_SET_MARKERS) == osb.open_set_table(records).strip()
    ), hint
    findings = "\n".join(f"- {line}" for line in osb.open_set_findings(records))
    assert readme_sections.readme_section(readme, readme_sections.OPEN_SET_FINDINGS_MARKERS) == findings.strip(), hint
    assert (root / "figures" / "open_set_curves.png").is_file()
    for r in records:
        assert r["protocol"] == "open-set" and not r["quick"]
        assert isinstance(r["class_draw"], int) and isinstance(r["training_class_count"], int)


def test_the_last_finding_answers_the_question_over_every_dataset():
    records = _synthetic_records() + [
        {
            **r,
            "source_dataset": "E",
            "metrics": {
                osb.METRIC: r["metrics"][osb.METRIC]
                + 0.3 * (r["method"] == "cross-entropy") * (r["training_class_count"] == 6)
            },
        }
        for r in _synthetic_records()
    ]
    last = osb.open_set_findings(records)[-1]
    assert last.startswith(
        "Does metric learning overtake the classifier as training classes are added? Over 2 datasets"
    )
    assert "grows on D" in last and "shrinks on E" in last


def test_benchmark_offline_stands_for_every_offline_dataset(monkeypatch, tmp_path):
    from tslearnkit.course import benchmark
    from tslearnkit.course.cli import main

    seen = {}
    monkeypatch.setattr(benchmark, "run_benchmark", lambda datasets, **kw: seen.setdefault("datasets", datasets))
    assert main(["benchmark", "--datasets", "UnitTest", "offline", "--out", str(tmp_path)]) == 0
    offline = tk.data.list_datasets()["offline"]
    assert "UnitTest" in offline and len(offline) > 1
    assert seen["datasets"] == ["UnitTest", *(d for d in offline if d != "UnitTest")], "each dataset once, in order"
    with pytest.raises(SystemExit, match="closed-set"):
        main(["benchmark", "--protocol", "open-set", "--datasets", "offline", "--out", str(tmp_path)])


def test_every_committed_open_set_record_has_the_budget_the_open_set_recipe_gives_now():
    """A rule change leaves no record measured under the old budget (each record keeps its
    ``step_budget``; the recipe needs only the training classes' labels and the series shape)."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    learned = [r for r in osb.load_open_set_records(root / "results" / "open_set") if "step_budget" in r]
    assert {r["source_dataset"] for r in learned} >= {"ACSF1", "OSULeaf", "PickupGestureWiimoteZ"}
    shapes = {}
    for r in learned:
        if r["source_dataset"] not in shapes:
            data = tk.data.load_dataset(r["source_dataset"], standardize=False)
            shapes[r["source_dataset"]] = (data.y_train, data.timesteps, data.channels)
        y_train, timesteps, channels = shapes[r["source_dataset"]]
        y_fit = y_train[np.isin(y_train, r["training_classes"])]
        assert r["step_budget"] == osb.open_set_recipe(y_fit, timesteps, channels).steps, r["dataset"]
