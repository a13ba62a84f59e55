"""The instructor's diagrams: one schematic per lesson, drawn by the kit with matplotlib.

Each is a picture to talk over in a lesson's lecture block, not a result: the points and series
are made up (seeded, so a rebuild draws the same picture) and no diagram states a number a lesson
measures, nor the answer of an exercise that follows it. ``DIAGRAMS`` maps a name (the ``diagram``
of :mod:`tslearnkit.course.lesson_notes`) to its drawing function and a one-line caption;
:func:`draw` saves one as a PNG. The shared shapes and palette are :mod:`tslearnkit.course.drawing`;
only matplotlib's object API is used (no ``pyplot``), so drawing changes no global state.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .drawing import BLUE, CLASS_COLOURS, GREEN, GREY, INK, ORANGE, PURPLE, RED, arrow, box, bracket, canvas, glyph

__all__ = ["DIAGRAMS", "draw"]

# --- lesson 1 -----------------------------------------------------------------------------------


def standardise():
    """Per-channel statistics come from the training split and are applied to both splits."""
    fig, ax = canvas(
        9,
        4.6,
        "Standardise each channel with training statistics only",
        "one sample = time steps × channels; a split holds n of them: (n, timesteps, channels)",
    )
    rng = np.random.default_rng(1)
    for x0, name, colour in ((3, "training split", BLUE), (69, "test split", GREY)):
        for k in range(3):  # a stack of samples, the front one drawn last
            x, y = x0 + 2.0 * (2 - k), 6 + 2.0 * (2 - k)
            box(ax, x, y, 24, 17, edge="#999999", face="white", zorder=2 + k)
        glyph(ax, x0 + 1.5, 6 + 1.2, 21, 14.5, shape=1, colour=colour, rng=rng, channels=3, zorder=8)
        ax.text(x0 + 14, 2.2, name, ha="center", fontsize=12, color=colour, fontweight="bold")
    box(ax, 34.5, 30, 31, 10, face="#EAF3FA", edge=BLUE, lw=1.6)
    ax.text(50, 37.2, "each channel's", ha="center", va="center", fontsize=11, color=INK)
    ax.text(
        50, 33.0, "mean and standard deviation", ha="center", va="center", fontsize=11, color=INK, fontweight="bold"
    )
    arrow(ax, (16, 27.5), (34, 34), colour=BLUE, lw=2.2, rad=-0.25)
    ax.text(3, 36, "computed on the\ntraining split only", ha="left", va="center", fontsize=10.5, color=BLUE)
    arrow(ax, (84, 27.5), (66, 34), colour=RED, lw=1.6, ls="--", rad=0.25)
    ax.text(
        97,
        36,
        "never on the test split:\nit would leak into training",
        ha="right",
        va="center",
        fontsize=10.5,
        color=RED,
    )
    ax.text(76.5, 32.4, "✗", fontsize=17, color=RED, ha="center", va="center", fontweight="bold")
    arrow(ax, (45, 30), (31, 18), colour=INK, rad=0.2)
    arrow(ax, (55, 30), (69, 18), colour=INK, rad=-0.2)
    ax.text(50, 14, "the same numbers\nshift and scale both", ha="center", va="center", fontsize=10.5, color=INK)
    return fig


# --- lesson 2 -----------------------------------------------------------------------------------


def retrieval():
    """A query, the reference ranked by distance, and what P@1 and MAP@R look at."""
    fig, ax = canvas(
        9,
        3.8,
        "Scoring an embedding as search",
        "a test series is the query; the training series are ranked by their distance to it",
    )
    rng = np.random.default_rng(4)
    ranking = [0, 1, 0, 0, 2, 1, 0, 2, 1, 2]  # classes, nearest first; the query is of class 0 ("A")
    names = "ABC"
    r = ranking.count(0)
    y = 16
    box(ax, 1, y, 11, 9, edge=CLASS_COLOURS[0], lw=2.4)
    glyph(ax, 1.8, y + 0.8, 9.4, 7.4, shape=0, colour=CLASS_COLOURS[0], rng=rng)
    ax.text(6.5, y - 1.5, "query,\nclass A", ha="center", va="top", fontsize=10.5, color=INK)
    arrow(ax, (12.8, y + 4.5), (17, y + 4.5), colour=INK)
    for i, cls in enumerate(ranking):
        x = 18 + i * 8.1
        hit = cls == 0
        box(ax, x, y, 7, 9, edge=CLASS_COLOURS[cls], lw=2.4 if hit else 1.2, face="#EEF8F3" if hit else "white")
        glyph(ax, x + 0.6, y + 0.8, 5.8, 7.4, shape=cls, colour=CLASS_COLOURS[cls], rng=rng, lw=1.4)
        ax.text(x + 3.5, y + 10.2, f"{i + 1}", ha="center", fontsize=10, color="#555555")
        ax.text(
            x + 3.5,
            y - 1.2,
            names[cls] + (" ✓" if hit else ""),
            ha="center",
            va="top",
            fontsize=11,
            color=CLASS_COLOURS[cls],
        )
    ax.text(98.5, y + 13.5, "nearest  →  farthest", ha="right", fontsize=9.5, color="#555555")
    bracket(ax, 18, 25, y + 14.5, colour=RED)
    ax.text(26.5, y + 14.5, "P@1: is the nearest one of the query's class?", va="center", fontsize=10.5, color=RED)
    bracket(ax, 18, 18 + (r - 1) * 8.1 + 7, y - 5.2, colour=BLUE, down=False)
    ax.text(
        18 + (r - 1) * 8.1 + 8.5,
        y - 5.2,
        f"the first R places (R = {r}: the reference holds {r} of class A)",
        va="center",
        fontsize=10.5,
        color=BLUE,
    )
    ax.text(
        18,
        5.6,
        "MAP@R: at each right place among the first R, the share of right ones so far; their sum ÷ R.",
        fontsize=10.5,
        color=BLUE,
        va="center",
    )
    ax.text(18, 1.8, "It is 1 only when all R come before every other class.", fontsize=10.5, color=BLUE, va="center")
    return fig


# --- lesson 3 -----------------------------------------------------------------------------------


def pk_batch():
    """One P×K batch as a grid, with an anchor, its positives and its negatives marked."""
    p, k = 4, 4
    fig, ax = canvas(
        9, 4.6, "A P×K batch: P classes, K series of each", "every anchor is sure to find positives and negatives"
    )
    rng = np.random.default_rng(7)
    cell_w, cell_h, x0, y0 = 10.5, 7.6, 13, 2
    anchor = (1, 0)
    for row in range(p):
        y = y0 + (p - 1 - row) * (cell_h + 1.6)
        ax.text(
            x0 - 1.5, y + cell_h / 2, f"class {row + 1}", ha="right", va="center", fontsize=11, color=CLASS_COLOURS[row]
        )
        for col in range(k):
            x = x0 + col * (cell_w + 1.4)
            if (row, col) == anchor:
                face, edge, lw, mark = "#FFFFFF", INK, 3.0, "a"
            elif row == anchor[0]:
                face, edge, lw, mark = "#EAF7F1", GREEN, 2.4, "p"
            else:
                face, edge, lw, mark = "#FDF0E9", "#E7B8A0", 1.0, ""
            box(ax, x, y, cell_w, cell_h, face=face, edge=edge, lw=lw)
            glyph(
                ax, x + 0.8, y + 0.6, cell_w - 1.6, cell_h - 1.2, shape=row, colour=CLASS_COLOURS[row], rng=rng, lw=1.5
            )
            if mark:
                ax.text(
                    x + cell_w - 0.2,
                    y + cell_h - 0.2,
                    mark,
                    ha="center",
                    va="center",
                    fontsize=10.5,
                    fontweight="bold",
                    color="white",
                    zorder=9,
                    bbox={
                        "boxstyle": "circle,pad=0.2",
                        "facecolor": INK if mark == "a" else GREEN,
                        "edgecolor": "none",
                    },
                )
    right = x0 + k * (cell_w + 1.4) - 1.4
    top = y0 + p * (cell_h + 1.6) - 1.6
    bracket(ax, x0, right, top + 1.6)
    ax.text((x0 + right) / 2, top + 2.3, "K series per class", ha="center", va="bottom", fontsize=10.5, color=INK)
    ax.plot([right + 1.5, right + 2.4, right + 2.4, right + 1.5], [y0, y0, top, top], color=INK, lw=1.3)
    ax.text(right + 3.4, (y0 + top) / 2, "P classes", va="center", fontsize=10.5, color=INK, rotation=90)
    lx = right + 9
    for i, (face, edge, lw, label, sub) in enumerate(
        (
            ("#FFFFFF", INK, 3.0, "anchor a", "any series of the batch"),
            ("#EAF7F1", GREEN, 2.4, "positive p", "same class as a, not a itself"),
            ("#FDF0E9", "#E7B8A0", 1.0, "negative n", "a series of another class"),
        )
    ):
        y = top - 5 - i * 9
        box(ax, lx, y, 5, 4, face=face, edge=edge, lw=lw)
        ax.text(lx + 6.5, y + 3.0, label, fontsize=11.5, fontweight="bold", color=INK, va="center")
        ax.text(lx + 6.5, y + 0.5, sub, fontsize=9.5, color="#555555", va="center")
    ax.text(
        lx,
        y0 + 1,
        "a valid triplet (a, p, n):\nthe loss asks for\nd(a, p) + margin ≤ d(a, n)",
        fontsize=10.5,
        color=INK,
        va="bottom",
    )
    return fig


# --- lesson 4 -----------------------------------------------------------------------------------


def triplet_margin():
    """An anchor, its positive, the margin ring and a hard, a semi-hard and an easy negative."""
    from matplotlib.patches import Circle, Wedge

    fig, ax = canvas(
        9,
        5.0,
        "Which negative? One anchor–positive pair and its margin",
        "loss = max(0, d(a, p) − d(a, n) + margin)",
        xlim=(-2.9, 5.6),
        y0=-2.05,
    )
    anchor = np.array([-0.5, 0.0])
    positive = anchor + np.array([0.8, 0.42])
    d_ap, margin = float(np.linalg.norm(positive - anchor)), 0.55
    outer = d_ap + margin
    ax.add_patch(Circle(anchor, outer + 0.55, facecolor="#EDF6F0", edgecolor="none", zorder=0))
    ax.add_patch(Wedge(anchor, outer, 0, 360, width=margin, facecolor="#FCE9C8", edgecolor="none", zorder=1))
    ax.add_patch(Circle(anchor, d_ap, facecolor="#F9D9CB", edgecolor="none", zorder=1))
    ax.add_patch(Circle(anchor, d_ap, facecolor="none", edgecolor=GREEN, lw=1.4, ls="--", zorder=2))
    ax.add_patch(Circle(anchor, outer, facecolor="none", edgecolor=ORANGE, lw=1.4, ls=":", zorder=2))
    negatives = (
        ("hard", 0.6, 3.55, RED),
        ("semi-hard", d_ap + 0.28, 2.25, ORANGE),
        ("easy", outer + 0.42, 4.0, GREEN),
    )
    ax.plot(*zip(anchor, positive), color=GREEN, lw=2.4, zorder=3)
    for name, radius, angle, colour in negatives:
        point = anchor + radius * np.array([np.cos(angle), np.sin(angle)])
        ax.plot(*zip(anchor, point), color=colour, lw=1.5, ls="--", zorder=3)
        ax.scatter(*point, s=150, marker="s", color=colour, edgecolor="white", lw=1.5, zorder=4)
        ax.text(point[0] - 0.13, point[1], f"n, {name}", ha="right", va="center", fontsize=11, color=INK, zorder=4)
    ax.scatter(*anchor, s=220, color=INK, zorder=4)
    ax.text(anchor[0] + 0.08, anchor[1] - 0.16, "a", fontsize=13, fontweight="bold", color=INK, va="top")
    ax.scatter(*positive, s=180, color=GREEN, edgecolor="white", lw=1.5, zorder=4)
    ax.text(positive[0] + 0.12, positive[1] + 0.02, "p", fontsize=13, fontweight="bold", color=GREEN, va="center")
    ray = np.array([np.cos(-0.45), np.sin(-0.45)])
    arrow(ax, tuple(anchor + d_ap * ray), tuple(anchor + outer * ray), colour=INK, head=8, lw=1.3, both=True)
    end = anchor + outer * ray
    ax.text(end[0] + 0.08, end[1] - 0.02, "margin", fontsize=10.5, color=INK, va="top")
    legend = (
        ("#F9D9CB", "hard", "closer than the positive; hard mining\ntakes each anchor's closest negative"),
        ("#FCE9C8", "semi-hard", "farther than the positive, within the\nmargin: semi-hard mining's choice"),
        ("#EDF6F0", "easy", "beyond the margin: loss 0, it\nteaches nothing"),
    )
    for i, (face, name, text) in enumerate(legend):
        y = 1.75 - i * 1.25
        ax.add_patch(Circle((2.35, y - 0.12), 0.16, facecolor=face, edgecolor="#999999", lw=0.8))
        ax.text(2.65, y, name, fontsize=11.5, fontweight="bold", color=INK, va="center")
        ax.text(2.65, y - 0.22, text, fontsize=9.5, color="#444444", va="top", linespacing=1.25)
    ax.text(
        2.2,
        -1.75,
        "circles around a:  - - -  d(a, p)     · · ·  d(a, p) + margin",
        fontsize=9.5,
        color="#444444",
        va="center",
    )
    return fig


# --- lesson 5 -----------------------------------------------------------------------------------

# Each protocol as it comes out: the real series (class, slot) and the synthetic ones
# (class, slot, parent), slots being places in the training part ("t0".."t11") or the test
# part ("s0".."s5"). Drawn by hand so the picture shows each case once; made-up, not a run.
_HONEST = {
    "real": [(0, "t0"), (0, "t4"), (0, "t9"), (0, "s0"), (1, "t2"), (1, "t7"), (1, "s3"), (2, "t5"), (2, "s4")],
    "synthetic": [(1, "t10", "t2"), (2, "t1", "t5"), (2, "t11", "t5")],
}
_LEAKY = {
    "real": [(0, "t0"), (0, "t4"), (0, "s0"), (1, "t2"), (1, "t7"), (1, "s3"), (2, "t5"), (2, "s4")],
    "synthetic": [(0, "t9", "t0"), (1, "t10", "s3"), (2, "t1", "t5"), (2, "s1", "t5"), (2, "t11", "s4")],
}


def _slots(x0, y0, w, h, cols, rows, prefix):
    xs, ys = (
        np.linspace(x0 + w / (2 * cols), x0 + w - w / (2 * cols), cols),
        np.linspace(y0 + h - h / (2 * rows), y0 + h / (2 * rows), rows),
    )
    return {
        f"{prefix}{r * cols + c}": (xs[c] + (0.9 if r % 2 else -0.9), ys[r]) for r in range(rows) for c in range(cols)
    }


def leak():
    """Oversampling after the split (honest) against before it (leaky), each copy linked to its parent."""
    fig, ax = canvas(
        9,
        5.3,
        "Oversample after the split, never before",
        "●  a real series     ◇  a synthetic one, made from its parent (thin line)",
    )
    for name, layout, base in (("honest", _HONEST, 27.0), ("leaky", _LEAKY, 4.0)):
        train, test = (27, base, 44, 19), (76, base, 22, 19)
        box(ax, *train, face="#F4F8FC", edge="#C9D6E3")
        box(ax, *test, face="#FBF6F0", edge="#E3D3C0")
        ax.text(train[0] + train[2] / 2, base + 19.8, "training part", ha="center", fontsize=10, color="#555555")
        ax.text(test[0] + test[2] / 2, base + 19.8, "test part", ha="center", fontsize=10, color="#555555")
        slots = {**_slots(*train, 4, 3, "t"), **_slots(*test, 2, 3, "s")}
        colour = GREEN if name == "honest" else RED
        ax.text(1, base + 14, name, fontsize=14, fontweight="bold", color=colour, va="center")
        label = (
            "split the real series,\nthen oversample the\ntraining part only"
            if name == "honest"
            else "oversample all the\nreal series, then\nsplit them"
        )
        ax.text(1, base + 10.5, label, fontsize=10, color=INK, va="top", linespacing=1.3)
        for cls, slot, parent in layout["synthetic"]:
            crosses = slot[0] != parent[0]
            (x, y), (px, py) = slots[slot], slots[parent]
            ax.plot([px, x], [py, y], color=RED if crosses else "#A8A8A8", lw=2.0 if crosses else 0.9, zorder=2)
            ax.scatter(x, y, s=80, marker="D", facecolor="white", edgecolor=CLASS_COLOURS[cls], lw=2.0, zorder=3)
        for cls, slot in layout["real"]:
            ax.scatter(*slots[slot], s=95, color=CLASS_COLOURS[cls], edgecolor="white", lw=0.8, zorder=4)
    ax.text(
        1,
        0.0,
        "red: a test series with a relative in the training part;  ◇ in the test part: a made-up test series",
        fontsize=9.5,
        color=RED,
        va="bottom",
    )
    return fig


# --- lesson 6 -----------------------------------------------------------------------------------


def _kmeans(points, centres, steps: int = 25):
    """Lloyd's k-means from the given starting centres (the diagram needs no library's seeding)."""
    for _ in range(steps):
        nearest = np.argmin(((points[:, None] - centres[None]) ** 2).sum(-1), axis=1)
        centres = np.array(
            [points[nearest == j].mean(0) if np.any(nearest == j) else centres[j] for j in range(len(centres))]
        )
    return centres


def latent_2d():
    """Points of five classes in a 2-D latent, over the regions of k-means with k = 5."""
    from matplotlib.colors import ListedColormap

    fig, ax = canvas(
        9,
        5.2,
        "A 2-D latent, clustered",
        "grey regions: k-means with k = the number of classes;  colours: the true classes",
        xlim=(-6.6, 10.0),
        y0=-4.4,
    )
    rng = np.random.default_rng(11)
    centres = np.array([[-3.9, 1.5], [-3.4, -2.5], [0.4, 2.0], [1.8, -2.3], [2.7, -1.0]])
    points = np.vstack([rng.normal(c, s, (26, 2)) for c, s in zip(centres, (0.45, 0.5, 0.5, 0.42, 0.42))])
    labels = np.repeat(np.arange(5), 26)
    points[labels == 2] += np.column_stack([np.linspace(-1.5, 1.5, 26), np.zeros(26)])  # one long class
    found = _kmeans(points, np.array([[-3.9, 1.5], [-3.4, -2.5], [-0.5, 2.0], [1.4, 2.0], [2.3, -1.7]]))
    x0, x1, y0, y1 = -6.4, 4.6, -4.3, 4.0
    gx, gy = np.meshgrid(np.linspace(x0, x1, 440), np.linspace(y0, y1, 330))
    region = np.argmin(((np.column_stack([gx.ravel(), gy.ravel()])[:, None] - found[None]) ** 2).sum(-1), axis=1)
    region = region.reshape(gx.shape)
    shades = ListedColormap(["#F0F0F0", "#E2E2E2", "#EBEBEB", "#DADADA", "#F6F6F6"])
    ax.imshow(region, extent=(x0, x1, y0, y1), origin="lower", cmap=shades, interpolation="nearest", zorder=0)
    ax.contour(gx, gy, region, levels=np.arange(-0.5, 5), colors="#A0A0A0", linewidths=0.9, zorder=1)
    for j, (x, y) in enumerate(found):
        ax.text(
            x - 0.2,
            y + 1.0,
            f"k{j}",
            fontsize=12,
            color="#606060",
            fontweight="bold",
            ha="center",
            va="center",
            zorder=4,
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "alpha": 0.75, "edgecolor": "none"},
        )
    for c in range(5):
        ax.scatter(*points[labels == c].T, s=24, color=CLASS_COLOURS[c], edgecolor="white", lw=0.4, zorder=3)
    notes = (  # a numbered mark on the plot, its sentence beside it
        ((-1.9, -2.0), "one colour fills a region:\nthis class was found"),
        ((1.0, 0.8), "one class, cut in two\nby a region border"),
        ((3.9, -0.35), "two colours share a region:\nk-means merged two classes"),
    )
    badge = {"boxstyle": "circle,pad=0.25", "facecolor": INK, "edgecolor": "white"}
    for i, ((x, y), text) in enumerate(notes, 1):
        ax.text(
            x, y, str(i), fontsize=10, fontweight="bold", color="white", ha="center", va="center", zorder=6, bbox=badge
        )
        ty = 2.6 - (i - 1) * 2.6
        ax.text(5.4, ty, str(i), fontsize=10, fontweight="bold", color="white", ha="center", va="center", bbox=badge)
        ax.text(6.0, ty, text, fontsize=10.5, color=INK, va="center", linespacing=1.3)
    return fig


# --- lesson 7 -----------------------------------------------------------------------------------


def open_set_split():
    """Classes split three ways: training classes, validation classes, unseen classes."""
    from matplotlib.patches import Rectangle

    fig, ax = canvas(
        9,
        5.2,
        "Split the classes, not the series",
        "each column is a class, each square one of its series (the classes are drawn at random; grouped here)",
    )
    roles = ["train"] * 5 + ["validation"] * 2 + ["unseen"] * 3
    colours = {"train": BLUE, "validation": PURPLE, "unseen": ORANGE}
    x0, size, gap, rows, group_gap = 12, 4.2, 1.0, 7, 4.5
    xs, x = [], x0
    for i, role in enumerate(roles):
        if i and role != roles[i - 1]:
            x += group_gap
        xs.append(x)
        x += size + gap

    def square(x, y, colour, alpha, hatch):
        ax.add_patch(Rectangle((x, y), size, size, facecolor=colour, alpha=alpha, edgecolor="white", lw=0.8))
        if hatch:
            ax.add_patch(Rectangle((x, y), size, size, facecolor="none", edgecolor=colour, lw=0.0, hatch=hatch))

    base = 9
    for role, x in zip(roles, xs):
        for r in range(rows):
            y = base + (rows - 1 - r) * (size + 0.6)
            if role == "train":
                square(x, y, colours[role], 1.0 if r < 5 else 0.35, None)
            else:
                square(x, y, colours[role], 0.3 if r < 2 else 1.0, "////" if r < 2 else None)
    top = base + rows * (size + 0.6)
    line_y = base + 2 * (size + 0.6) - 0.3
    ax.plot([xs[0] - 1, xs[4] + size + 1], [line_y, line_y], color=INK, lw=1.1, ls="--")
    ax.text(xs[0] - 2, line_y + 6, "training\nseries", ha="right", va="center", fontsize=9.5, color=INK)
    ax.text(xs[0] - 2, line_y - 4.6, "test\nseries", ha="right", va="center", fontsize=9.5, color=INK)
    groups = (
        (0, 4, "train", "training\nclasses", "the models\nlearn from these"),
        (5, 6, "validation", "validation\nclasses", "choose the\nmodel on these"),
        (7, 9, "unseen", "unseen\nclasses", "report search\namong these"),
    )
    for first, last, role, name, what in groups:
        middle = (xs[first] + xs[last] + size) / 2
        bracket(ax, xs[first], xs[last] + size, top + 0.8, colour=colours[role])
        ax.text(
            middle, top + 1.8, name, ha="center", va="bottom", fontsize=10.5, fontweight="bold", color=colours[role]
        )
        ax.text(middle, base - 1.2, what, ha="center", va="top", fontsize=9.5, color=colours[role])
    lx = xs[-1] + size + 5
    keys = (
        (BLUE, 1.0, None, "fit on"),
        (BLUE, 0.35, None, "seen score: test\nvs training series"),
        (ORANGE, 0.3, "////", "queries"),
        (ORANGE, 1.0, None, "gallery they\nsearch"),
    )
    for i, (colour, alpha, hatch, text) in enumerate(keys):
        y = top - 5 - i * 7.5
        ax.add_patch(Rectangle((lx, y), 3.6, 3.6, facecolor=colour, alpha=alpha, edgecolor="white"))
        if hatch:
            ax.add_patch(Rectangle((lx, y), 3.6, 3.6, facecolor="none", edgecolor=colour, lw=0.0, hatch=hatch))
        ax.text(lx + 5, y + 1.8, text, va="center", fontsize=9.5, color=INK)
    return fig


DIAGRAMS = {
    "standardise": (standardise, "Statistics from the training split, applied to both splits"),
    "retrieval": (retrieval, "A query, its ranked reference, and what P@1 and MAP@R look at"),
    "pk_batch": (pk_batch, "A P×K batch: an anchor, its positives and its negatives"),
    "triplet_margin": (triplet_margin, "A triplet and its margin: hard, semi-hard and easy negatives"),
    "leak": (leak, "Oversampling after the split against before it"),
    "latent_2d": (latent_2d, "A 2-D latent clustered by k-means"),
    "open_set_split": (open_set_split, "The open-set split: training, validation and unseen classes"),
}


def draw(name: str, path) -> Path:
    """Draw the diagram ``name`` (a key of :data:`DIAGRAMS`) into the PNG ``path``.

    Raises:
        ValueError: an unknown name.
    """
    if name not in DIAGRAMS:
        raise ValueError(f"unknown diagram {name!r}; choose from {', '.join(DIAGRAMS)}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig = DIAGRAMS[name][0]()
    fig.savefig(path, dpi=150, facecolor="white", metadata={"Software": None})
    return path
