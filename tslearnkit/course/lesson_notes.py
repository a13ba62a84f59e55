"""What an instructor says around each lesson: its key idea, where to pause, what to discuss, and
how many minutes each teaching block gets. Written once, here; the workshop's day plan and notes
(:mod:`tslearnkit.course.instructor`) are rendered from it.

Nothing here is measured: run times come from ``results/timing/lesson_times.json``
(:mod:`tslearnkit.course.runtimes`) and what a check prints from the check itself or from an
executed run. A pause names the ``## `` heading of the lesson section it comes before (a test
keeps every one pointing at a heading that exists), and no note states a result: those are
printed by the lessons from their own runs. Edit the minutes to fit your audience.
"""

from __future__ import annotations

import dataclasses

__all__ = ["Pause", "LessonNotes", "NOTES"]


@dataclasses.dataclass(frozen=True)
class Pause:
    """Stop the walk-through when the class reaches the section headed ``at``, before running it."""

    at: str
    prompt: str


@dataclasses.dataclass(frozen=True)
class LessonNotes:
    """The teaching text and block lengths of one lesson.

    Attributes:
        key_idea: two or three sentences for the lecture block (Markdown).
        diagram: the name of the kit's diagram for this lesson (:data:`tslearnkit.course.diagrams.DIAGRAMS`),
            or ``None``.
        pauses: where to stop the walk-through and what to ask, in lesson order.
        questions: the discussion block's questions.
        lecture_min, walkthrough_min, discussion_min: minutes of talking; the walk-through also
            gets the lesson's measured computing time.
        exercise_min: minutes for each exercise, by number (``{"3.1": 10, ...}``).
    """

    key_idea: str
    diagram: str | None
    pauses: tuple[Pause, ...]
    questions: tuple[str, ...]
    lecture_min: int
    walkthrough_min: int
    discussion_min: int
    exercise_min: dict[str, int]


NOTES: dict[str, LessonNotes] = {
    "01_data_visualization": LessonNotes(
        key_idea=(
            "A sample is a small matrix, time steps × channels, and everything later in the course is a "
            "distance between such matrices. Before learning anything, measure how far plain distance "
            "already gets — honestly: statistics from the training split only, and no query ever in the "
            "reference it is searched against."
        ),
        diagram="standardise",
        pauses=(
            Pause(
                "A few series of each class",
                "Ask what stays the same within a row and changes between rows: that is what an embedding has to keep.",
            ),
            Pause(
                "Standardising channels — with training statistics only",
                "Ask what would leak if the means came from all the data, and why z-normalising each series "
                "on its own would hurt on speaker data.",
            ),
            Pause(
                "How far apart are same-class series?",
                "Before the histograms appear, have everyone write down a guess of the separation "
                "(0.5: none, 1: perfect).",
            ),
        ),
        questions=(
            "Think of your own recordings: what is one sample, what are its channels, and which statistics "
            "would you standardise with?",
            "When is a perfect 1-NN score a bug rather than a result? Name another way a query can end up in "
            "its own reference (duplicates, overlapping windows, several recordings of one session).",
            "A distance can separate the classes on average (the AUC) and still get nearest neighbours "
            "wrong (P@1). When do the two disagree?",
        ),
        lecture_min=10,
        walkthrough_min=15,
        discussion_min=10,
        exercise_min={"1.1": 5, "1.2": 10, "1.3": 10},
    ),
    "02_baseline_crossentropy": LessonNotes(
        key_idea=(
            "An embedding is judged as a search engine: every test series queries the training series. "
            "P@1 asks for one right nearest neighbour, MAP@R for all R same-class references ahead of every "
            "other class. A classifier's penultimate layer is an embedding for free, and together with "
            "raw-series Euclidean and DTW neighbours it is the bar every later lesson must clear."
        ),
        diagram="retrieval",
        pauses=(
            Pause(
                "Step 1 — no learning at all: nearest neighbours on the raw series",
                "Ask: Euclidean or DTW, which should win on speech, and what does DTW cost?",
            ),
            Pause(
                "Step 3 — evaluate the classifier and its embedding",
                "Ask the room to predict: will the embedding's P@1 be above or below the classifier's own accuracy?",
            ),
            Pause(
                "Step 4 — look at the embedding",
                "Before the t-SNE map: clusters look cleaner than they are, and distances between clusters "
                "mean little.",
            ),
        ),
        questions=(
            "The classifier never saw a distance, yet its embedding retrieves. What in cross-entropy training "
            "pulls the series of one class together?",
            "A product shows a user the ten most similar recordings. Which score matters there, P@1 or MAP@R, and why?",
            "DTW's cost grows with the square of the length. At what length and gallery size would you stop "
            "using it as a baseline?",
        ),
        lecture_min=15,
        walkthrough_min=15,
        discussion_min=10,
        exercise_min={"2.1": 10, "2.2": 10, "2.3": 10},
    ),
    "03_triplet_all": LessonNotes(
        key_idea=(
            "A triplet loss asks that an anchor be closer to a positive of its class than to a negative of "
            "another class, by at least a margin. P×K batches make sure every anchor has positives and "
            "negatives; batch-all averages over every valid triplet, so as training succeeds the easy "
            "triplets dilute the gradient. Zero active triplets means the batch teaches nothing, and the "
            "fit stops."
        ),
        diagram="pk_batch",
        pauses=(
            Pause(
                "Two baselines before any training",
                "Ask how good an untrained network is. Most expect chance; random weights already map "
                "similar inputs to nearby points.",
            ),
            Pause(
                "When the batches stop teaching",
                "Before the plot: have someone sketch on the board how the share of active triplets should "
                "move during training.",
            ),
            Pause(
                "Would the rest of the budget have helped?",
                "Take a vote: will the epochs the stop skipped improve the scores? Then run the cell.",
            ),
        ),
        questions=(
            "Late in training most valid triplets are easy. What does averaging over all of them do to the "
            "gradient, and what would you change?",
            "Why does a batch need K ≥ 2 series of a class? What happens to a class with one training series?",
            "The fit stops when the loss has stayed near zero. When could stopping there be the wrong call?",
        ),
        lecture_min=15,
        walkthrough_min=15,
        discussion_min=10,
        exercise_min={"3.1": 10, "3.2": 10, "3.3": 10},
    ),
    "04_triplet_semihard": LessonNotes(
        key_idea=(
            "Which triplets a loss learns from matters as much as its formula. Semi-hard mining takes, for "
            "each anchor–positive pair, the closest negative that is still farther than the positive; hard "
            "mining takes each anchor's farthest positive and closest negative. The margin decides which "
            "triplets are active at all, and what a margin number means depends on the distance metric."
        ),
        diagram="triplet_margin",
        pauses=(
            Pause(
                "Which negative?",
                "Show the diagram and ask which of its three negatives semi-hard mining trains on, which hard "
                "mining trains on, and which teaches nothing.",
            ),
            Pause(
                "Train with both mining strategies",
                "Ask the room to predict which strategy goes flat first, and which scores better.",
            ),
            Pause(
                "How the margin and the distance metric change what is learned",
                "Ask: the same margin number in L2 and in angular distance — the same gap, or not?",
            ),
        ),
        questions=(
            "In noisy data the hardest negatives are often mislabelled. How does one mislabelled series "
            "affect hard mining, and semi-hard mining?",
            "The two strategies differ by a few test queries on one seed. What evidence would convince you "
            "that one is better?",
            "How would you choose a margin for your own data without ever looking at the test split?",
        ),
        lecture_min=15,
        walkthrough_min=20,
        discussion_min=10,
        exercise_min={"4.1": 10, "4.2": 10, "4.3": 10},
    ),
    "05_triplet_augmentation": LessonNotes(
        key_idea=(
            "Oversample the training split only, and keep every synthetic series traceable to its real "
            "training parent. Oversampling before the split puts relatives of test series into training and "
            "made-up series into the test set: the score then measures how well the model recognises "
            "variants of what it saw, not how it generalises."
        ),
        diagram="leak",
        pauses=(
            Pause(
                "The baseline: train on the long tail as it is",
                "Ask what a long tail does to training when the P×K sampler already shows every class equally often.",
            ),
            Pause(
                "Oversampling the training split",
                "Ask which of the four methods adds new information to a class and which only repeats it.",
            ),
            Pause(
                "The mistake to avoid: oversampling before the split",
                "Show the diagram. Before running, a show of hands: will the leaky score come out higher, "
                "lower or the same?",
            ),
        ),
        questions=(
            "P×K batches already balance the classes. When could oversampling still help?",
            "Think of a published result that augmented, oversampled or normalised before splitting. What "
            "does its number measure?",
            "You receive a dataset already split into train and test. How would you audit it for this leak?",
        ),
        lecture_min=10,
        walkthrough_min=15,
        discussion_min=10,
        exercise_min={"5.1": 5, "5.2": 10, "5.3": 10},
    ),
    "06_contrastive_clustering": LessonNotes(
        key_idea=(
            "A contrastive loss asks each view of a series to pick out its positives among all the other "
            "views of the batch, through a softmax. NT-Xent needs no labels (two augmented views of each "
            "series); SupCon makes every view of the same class a positive. In an unnormalised 2-D latent "
            "the result can be drawn and clustered directly — and a loss that stops falling well above zero "
            "can still be done learning (exercise 6.3 finds out why)."
        ),
        diagram="latent_2d",
        pauses=(
            Pause(
                "The loss",
                "Draw the batch layout on the board: 2N rows, the two views of series i in rows i and N + i.",
            ),
            Pause(
                "NT-Xent (no labels), 2-D latent",
                "Ask: with no labels, what must the augmentations preserve for the classes to emerge?",
            ),
            Pause(
                "Why the losses stop where they do",
                "After exercise 6.3: tie the floor the class just computed to the loss curves about to appear.",
            ),
        ),
        questions=(
            "NT-Xent learns from augmentations alone. For your data, which augmentation would change the "
            "class, and so must never be used?",
            "Why can k-means regions in a 2-D plane miss classes that 1-NN retrieval in 128-D tells apart?",
            "A loss curve flattens above zero: finished, or stuck? How do you tell for SupCon, and for a triplet loss?",
        ),
        lecture_min=15,
        walkthrough_min=15,
        discussion_min=10,
        exercise_min={"6.1": 5, "6.2": 15, "6.3": 10},
    ),
    "07_search_unseen": LessonNotes(
        key_idea=(
            "Embeddings are learned for search, and for classes nobody trained on. Split the classes, not "
            "the series: train on some, choose the model on validation classes, report on unseen ones — a "
            "model chosen by its unseen score has seen them after all. A saved model and an index answer "
            "queries elsewhere, and a new class joins by adding gallery items, without retraining."
        ),
        diagram="open_set_split",
        pauses=(
            Pause(
                "Split the classes, not the series",
                "Show the diagram. Ask why not even the unseen classes' training series may be used.",
            ),
            Pause(
                "Retrieval on three kinds of classes",
                "Ask the room to rank raw series, the classifier and the metric losses on the unseen classes "
                "before the table appears.",
            ),
            Pause(
                "More training classes: what the benchmark measured",
                "Ask what should happen to the gap between metric losses and the classifier as the number of "
                "training classes grows.",
            ),
            Pause(
                "Save the model, load it elsewhere, search",
                "Ask what a search service has to store to answer a query tomorrow, on another machine.",
            ),
        ),
        questions=(
            "Which of your problems is open-set (new speakers, machines, faults)? What would its validation "
            "classes be?",
            "If raw-series DTW beats every learned model on the unseen classes, what does that say about the "
            "training classes?",
            "A new class joined the gallery without retraining. When would you retrain anyway?",
        ),
        lecture_min=15,
        walkthrough_min=20,
        discussion_min=15,
        exercise_min={"7.1": 10, "7.2": 10, "7.3": 15},
    ),
}
