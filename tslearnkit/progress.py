"""One progress display per ``fit``: a bar when someone is watching, a few lines in batch runs.

Keras prints a line per epoch when its output is not a terminal (papermill, CI), which fills an
executed notebook with hundreds of lines. :class:`ProgressBar` replaces it: pass
``verbose=0`` to ``model.fit`` and add the callback (every ``tk.training.fit_*`` does this).
"""

from __future__ import annotations

import os
import sys
import time

import keras

__all__ = ["ProgressBar", "progress_mode"]

MODES = ("auto", "bar", "lines", "off")
VERBOSE_MODES = ("off", "bar", "lines")  # what Keras's verbose=0, 1, 2 mean


def progress_mode(mode="auto") -> str:
    """``mode`` as ``"bar"``, ``"lines"`` or ``"off"``; Keras's ``verbose`` 0, 1, 2 are taken too.

    ``"auto"`` is ``"lines"`` in batch runs (``tslearnkit run`` sets ``TSLEARNKIT_BATCH``; CI sets
    ``CI``) and when nobody watches, ``"bar"`` in a terminal or a Jupyter kernel. The one place "auto"
    is decided: ``verbose="auto"`` of every ``tk.training.fit_*`` is resolved here too.
    """
    if not isinstance(mode, bool) and mode in (0, 1, 2):
        return VERBOSE_MODES[mode]
    if mode not in MODES:
        raise ValueError(f"mode must be one of {list(MODES)} or a Keras verbose 0, 1, 2; got {mode!r}")
    if mode != "auto":
        return mode
    if os.environ.get("TSLEARNKIT_BATCH") or os.environ.get("CI"):
        return "lines"
    return "bar" if sys.stdout.isatty() or "ipykernel" in sys.modules else "lines"


class ProgressBar(keras.callbacks.Callback):
    """A single progress bar over all the steps of a fit, or ``lines`` summary lines.

    Args:
        mode: ``"auto"`` (see :func:`progress_mode`), ``"bar"``, ``"lines"``, ``"off"`` or Keras's
            ``verbose`` 0, 1, 2.
        desc: label in front of the bar / lines (e.g. the method's name).
        lines: how many summary lines ``"lines"`` mode prints (the last one at the end), >= 1.
    """

    def __init__(self, mode: str = "auto", *, desc: str = "fit", lines: int = 4):
        super().__init__()
        self.mode = progress_mode(mode)
        if isinstance(lines, bool) or not isinstance(lines, int) or lines < 1:
            raise ValueError(f"lines must be an integer >= 1; got {lines!r}")
        self.desc, self.lines = desc, lines
        self._bar = None

    def on_train_begin(self, logs=None):
        self._epochs = int(self.params.get("epochs") or 1)
        steps = self.params.get("steps")
        self._start = time.perf_counter()
        self._printed = 0
        self._last = None
        if self.mode == "bar":
            from tqdm import tqdm

            total = self._epochs * steps if steps else None
            self._bar = tqdm(total=total, desc=self.desc, unit="step", file=sys.stdout, mininterval=0.5, leave=True)

    def on_train_batch_end(self, batch, logs=None):
        if self._bar is not None:
            self._bar.update(1)

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        summary = "  ".join(f"{k} {float(v):.4g}" for k, v in logs.items() if "loss" in k)
        self._last = (epoch, summary)
        if self._bar is not None:
            self._bar.set_postfix_str(f"epoch {epoch + 1}/{self._epochs}  {summary}", refresh=False)
        elif self.mode == "lines":
            due = (epoch + 1) * self.lines // self._epochs  # lines owed so far, the last at the last epoch
            if due > self._printed:
                self._printed = due
                elapsed = time.perf_counter() - self._start
                print(f"{self.desc}: epoch {epoch + 1}/{self._epochs}  {summary}  ({elapsed:.0f} s)", flush=True)

    def on_train_end(self, logs=None):
        if self.mode == "lines" and self._printed < self.lines and self._last is not None:
            # stopped before the last epoch (e.g. the idle rule): say where it ended
            epoch, summary = self._last
            elapsed = time.perf_counter() - self._start
            print(
                f"{self.desc}: stopped after epoch {epoch + 1}/{self._epochs}  {summary}  ({elapsed:.0f} s)", flush=True
            )
        if self._bar is not None:
            self._bar.close()
            self._bar = None
