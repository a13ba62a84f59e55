"""Run a lesson notebook with papermill, starting its kernel again if it died before its handshake.

Two lessons started at once (the test suite runs on two pytest-xdist workers) can let two Jupyter
kernels pick the same free TCP port; the second one's ZMQ bind fails ("Address already in use") and
papermill reports "Kernel died before replying to kernel_info". Such a kernel ran no cell, so
starting it again loses nothing. Any other failure (a cell's error, a timeout) is raised at once.
"""

from __future__ import annotations

KERNEL_START_TRIES = 3
NOT_STARTED = "Kernel died before replying to kernel_info"


def execute_notebook(papermill, *args, tries: int = KERNEL_START_TRIES, **kwargs):
    """``papermill.execute_notebook(*args, **kwargs)``, tried up to ``tries`` times while its kernel dies
    before replying to kernel_info; the last such failure, or any other, is raised."""
    for attempt in range(1, tries + 1):
        try:
            return papermill.execute_notebook(*args, **kwargs)
        except RuntimeError as err:
            if NOT_STARTED not in str(err) or attempt == tries:
                raise
            print(f"    the kernel died before it started ({err}); starting it again", flush=True)


def describe_failure(err) -> str:
    """Where a lesson run failed and why, in one line: the cell (or execution count), the error's name and value."""
    cell = getattr(err, "exec_count", None)
    cell_index = getattr(err, "cell_index", None)
    where = f"cell {cell_index}" if cell_index is not None else f"execution count {cell}"
    return f"{where}: {getattr(err, 'ename', type(err).__name__)}: {getattr(err, 'evalue', err)}"
