"""Drawing helpers for the instructor's diagrams (:mod:`tslearnkit.course.diagrams`): a titled,
equal-aspect canvas, a colour-blind-safe palette, and the few shapes every diagram uses — a tiny
time series, a rounded box, an arrow, a bracket. matplotlib's object API only (no ``pyplot``).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "BLUE",
    "ORANGE",
    "GREEN",
    "RED",
    "SKY",
    "PURPLE",
    "YELLOW",
    "GREY",
    "CLASS_COLOURS",
    "INK",
    "canvas",
    "glyph",
    "box",
    "arrow",
    "bracket",
]

# Okabe–Ito: tells its colours apart for the colour-blind, and in greyscale print.
BLUE, ORANGE, GREEN, RED, SKY, PURPLE, YELLOW, GREY = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#56B4E9",
    "#CC79A7",
    "#F0E442",
    "#7F7F7F",
)
CLASS_COLOURS = (BLUE, ORANGE, GREEN, PURPLE, SKY)
INK = "#222222"


def canvas(width: float, height: float, title: str, sub: str = "", *, xlim=(0, 100), y0: float = 0.0):
    """A ``width`` × ``height`` inch figure with a title and one frameless, equal-aspect axes under it.

    The axes' y range follows from ``xlim`` and the axes' shape, so a data unit is as long on
    both axes; the drawing has ``y0 .. ax.get_ylim()[1]`` to itself.
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=150)
    head = (0.66 if sub else 0.42) / height  # the title block's share of the height
    frame = (0.015, 0.015, 0.97, 0.985 - head - 0.01)
    ax = fig.add_axes(frame)
    span = (xlim[1] - xlim[0]) * (frame[3] * height) / (frame[2] * width)
    ax.set_xlim(*xlim)
    ax.set_ylim(y0, y0 + span)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.text(0.02, 1 - 0.12 / height, title, fontsize=15, fontweight="bold", color=INK, va="top")
    if sub:
        fig.text(0.02, 1 - 0.44 / height, sub, fontsize=10.5, color="#555555", va="top")
    return fig, ax


def glyph(ax, x, y, w, h, *, shape: int, colour, rng, lw=1.8, channels=1, zorder=6) -> None:
    """A tiny time series of class ``shape`` inside the box at (x, y) of size w × h; each call
    draws another member of the class (its own small shifts and noise)."""
    t = np.linspace(0, 1, 60)
    phase, gain, warp = rng.normal(0, 0.03), rng.uniform(0.85, 1.08), rng.uniform(-0.06, 0.06)
    tw = t + warp * np.sin(np.pi * t)
    for c in range(channels):
        freq = (1.2, 2.3, 0.7, 3.2, 1.7)[shape % 5] + 0.35 * c
        wave = np.sin(2 * np.pi * (freq * tw + 0.15 * shape + 0.3 * c + phase)) * (0.8 - 0.25 * c) * gain
        wave += 0.35 * (t - 0.5) * ((-1) ** shape) + rng.normal(0, 0.06, t.size)
        ys = y + h / 2 + wave * h * 0.34 + (c - (channels - 1) / 2) * h * 0.14
        ax.plot(x + t * w, ys, color=colour, lw=lw, alpha=1.0 - 0.3 * c, solid_capstyle="round", zorder=zorder)


def box(ax, x, y, w, h, *, face="white", edge="#BBBBBB", lw=1.0, ls="-", radius=0.6, zorder=1):
    from matplotlib.patches import FancyBboxPatch

    ax.add_patch(
        FancyBboxPatch(
            (x, y),
            w,
            h,
            boxstyle=f"round,pad=0,rounding_size={radius}",
            facecolor=face,
            edgecolor=edge,
            linewidth=lw,
            linestyle=ls,
            zorder=zorder,
        )
    )


def arrow(ax, start, end, *, colour=INK, lw=1.6, ls="-", rad=0.0, head=12, both=False) -> None:
    from matplotlib.patches import FancyArrowPatch

    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle="<|-|>" if both else "-|>",
            mutation_scale=head,
            color=colour,
            linewidth=lw,
            linestyle=ls,
            connectionstyle=f"arc3,rad={rad}",
            shrinkA=2,
            shrinkB=2,
            zorder=7,
        )
    )


def bracket(ax, x0, x1, y, *, colour=INK, down=True) -> None:
    """A square bracket from x0 to x1 at height y, its ends pointing down (or up)."""
    tick = -0.9 if down else 0.9
    ax.plot([x0, x0, x1, x1], [y + tick, y, y, y + tick], color=colour, lw=1.3)
