"""Start TensorFlow without its start-up chatter.

TensorFlow's native code logs a few lines at import (oneDNN, "could not find cuda drivers",
a failed ``cuInit`` on a machine without a GPU) straight to file descriptor 2, before its log
level can be read, so ``TF_CPP_MIN_LOG_LEVEL`` does not hide them and Jupyter shows them in
the notebook. We import TensorFlow and let it find its devices with descriptor 2 pointed at
a temporary file; if that fails, what it wrote is printed before the error propagates.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import tempfile


def import_tensorflow_quietly() -> None:
    """Import TensorFlow once (and list its devices) with native stderr captured."""
    if "tensorflow" in sys.modules or importlib.util.find_spec("tensorflow") is None:
        return
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # later C++ INFO/WARNING lines too
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    with tempfile.TemporaryFile() as log:
        saved = os.dup(2)
        os.dup2(log.fileno(), 2)
        try:
            import tensorflow as tf

            tf.config.list_physical_devices()  # device discovery logs now, not in the middle of a lesson
        except BaseException:
            os.dup2(saved, 2)
            log.seek(0)
            sys.stderr.write(log.read().decode("utf-8", "replace"))
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)
