"""Start TensorFlow without its start-up chatter.

TensorFlow's native code logs a few lines at import (oneDNN, "could not find cuda drivers",
a failed ``cuInit`` on a machine without a GPU) straight to file descriptor 2, before its log
level can be read, so ``TF_CPP_MIN_LOG_LEVEL`` does not hide them and Jupyter shows them in
the notebook. We import TensorFlow and let it find its devices with descriptor 2 pointed at
a temporary file; if that fails, what it wrote is printed before the error propagates.

Only on the TensorFlow backend: under ``KERAS_BACKEND=jax`` or ``torch`` nothing in the kit needs
TensorFlow (Colab's TPU runtime has none), so nothing is imported.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import tempfile


def configured_backend() -> str:
    """The Keras backend Keras will use (or uses): read as Keras reads it, without importing Keras
    (which would start TensorFlow on that backend): ``KERAS_BACKEND``, else ``keras.json`` in
    ``$KERAS_HOME`` (default ``~/.keras``), else ``"tensorflow"``."""
    if "keras" in sys.modules:
        return sys.modules["keras"].backend.backend()
    if os.environ.get("KERAS_BACKEND"):
        return os.environ["KERAS_BACKEND"]
    config = os.path.join(os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras"), "keras.json")
    try:
        with open(config) as handle:
            return str(json.load(handle).get("backend", "tensorflow"))
    except (OSError, ValueError, AttributeError):
        return "tensorflow"


def import_tensorflow_quietly() -> None:
    """On the TensorFlow backend, import TensorFlow once (and list its devices) with native stderr
    captured; on the other backends, or without TensorFlow installed, nothing."""
    if "tensorflow" in sys.modules or configured_backend() != "tensorflow":
        return
    if importlib.util.find_spec("tensorflow") is None:
        return  # the import that needs it says so (see tslearnkit.__getattr__)
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


MISSING_TENSORFLOW = (
    "Keras's backend is TensorFlow (the default) but TensorFlow is not installed: "
    "pip install 'tslearnkit[tensorflow]', or run Keras on JAX: set KERAS_BACKEND=jax before anything "
    "imports keras or tslearnkit (jax installed; Colab's TPU runtime has it)"
)
