"""Every public name the package had before its modules were split (issue 15) is still importable
from the same ``tk.<module>`` path, plus ``embedding_scores`` which lessons used from training."""

import importlib

import pytest

BEFORE_THE_SPLIT = {
    "data": "DEFAULT_DATASET TimeSeriesDataset ChannelStats list_datasets load_dataset load_project_csv standardize "
    "stratified_split stratified_split_indices pad_series check_series check_labels",
    "sampling": "balanced_batches balanced_batch_indices steps_per_epoch shuffled_batches shuffled_steps_per_epoch",
    "augment": "AUGMENTATIONS CONTRASTIVE_AUGMENTATIONS OVERSAMPLE_AUGMENTATIONS OVERSAMPLE_METHODS STUDY_CLASS_COUNTS "
    "OversampleResult jitter scaling magnitude_warp time_warp window_slice window_warp random_crop apply_augmentations "
    "random_augment two_views tf_jitter tf_scaling tf_magnitude_warp tf_time_warp tf_window_slice tf_window_warp "
    "tf_random_crop tf_apply_augmentations tf_random_augment tf_two_views make_tf_augmenter make_tf_two_views "
    "reference_walk oversample oversample_dataset make_imbalanced long_tail_ratios",
    "models": "ENCODERS build_encoder conv_encoder fcn_encoder resnet_encoder inception_encoder embedding_model "
    "classifier_model",
    "losses": "DISTANCE_METRICS NTXentLoss SupConLoss TripletBatchAllLoss TripletHardLoss TripletSemiHardLoss "
    "nt_xent_loss pairwise_distances supcon_loss triplet_batch_all_loss triplet_hard_loss triplet_semihard_loss",
    "metrics": "METRIC_NAMES KNN_METRIC_NAMES CLUSTERING_METRIC_NAMES retrieval_metrics "
    "retrieval_metrics_from_distances "
    "knn_accuracy kmeans_cluster_labels RetrievalMetricsCallback",
    "training": "FitResult LOSSES fit_classifier fit_embedding fit_contrastive embed evaluate_embedding "
    "resolve_verbose "
    "active_triplet_fraction ActiveTripletsCallback cluster_scores embedding_scores",
    "results": "REQUIRED_FIELDS DEFAULT_TABLE_METRICS save_result load_results validate_record results_table "
    "table_markdown",
    "plots": "save_figure plot_series plot_class_distribution plot_embeddings plot_train_test_embeddings "
    "plot_dataset_embeddings plot_history plot_latent_clusters plot_results project_2d",
    "baselines": "raw_distances nearest_neighbour_scores",
    "lesson": "Lesson start",
    "cli": "run_lessons build_table update_readme make_parser main",
}


@pytest.mark.parametrize("module", sorted(BEFORE_THE_SPLIT))
def test_public_names_still_importable(module):
    mod = importlib.import_module(f"tslearnkit.{module}")
    missing = [name for name in BEFORE_THE_SPLIT[module].split() if not hasattr(mod, name)]
    assert not missing, f"tslearnkit.{module} lost {missing}"


def test_no_module_holds_two_concepts_by_size():
    from pathlib import Path

    package = Path(importlib.import_module("tslearnkit").__file__).parent
    sizes = {str(p.relative_to(package)): len(p.read_text().splitlines()) for p in package.rglob("*.py")}
    assert max(sizes.values()) <= 500, sorted(sizes.items(), key=lambda kv: -kv[1])[:3]
