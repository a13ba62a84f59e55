"""Tests for tslearnkit.metrics.clustering: k-means assignments and NMI/AMI as PML."""

from __future__ import annotations

import numpy as np
import pytest
from metrics_helpers import EXPECTED, GOLDEN_NAMES, golden_case, ours
from sklearn.metrics import adjusted_mutual_info_score, normalized_mutual_info_score

from tslearnkit import metrics


@pytest.mark.parametrize("name", GOLDEN_NAMES)
def test_kmeans_assignment_and_scores_match_pml_exactly(name):
    case = golden_case(name)
    labels = metrics.kmeans_cluster_labels(case["query"], len(np.unique(case["query_labels"])), seed=case["seed"])
    np.testing.assert_array_equal(labels, case["cluster_labels"])
    result = ours(case, include=("NMI", "AMI"))
    assert result["NMI"] == normalized_mutual_info_score(case["query_labels"], labels)
    assert result["AMI"] == adjusted_mutual_info_score(case["query_labels"], labels)
    assert result["NMI"] == pytest.approx(EXPECTED["cases"][name]["pml"]["NMI"], rel=1e-12)
