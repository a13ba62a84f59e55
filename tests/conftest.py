"""Test-session setup shared by every test module.

The suite runs on CPU only, and the CPU is split into two *logical* devices so that
`tf.distribute.MirroredStrategy` tests can compare one replica against two. Logical devices
must be configured before TensorFlow initialises its runtime, hence this runs at import time.
"""

import os

os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")  # hide any GPU: tests must pass without one
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import tensorflow as tf  # noqa: E402

_cpus = tf.config.list_physical_devices("CPU")
try:
    tf.config.set_logical_device_configuration(
        _cpus[0], [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()]
    )
except RuntimeError:  # runtime already initialised by an earlier import; keep what exists
    pass

LOGICAL_CPUS = [d.name for d in tf.config.list_logical_devices("CPU")]


import pytest  # noqa: E402


@pytest.fixture(scope="session")
def mirrored_strategy():
    """One MirroredStrategy over the two logical CPUs for the whole session: a second strategy's
    collectives (e.g. synchronized BatchNorm) can clash with the first's instance keys."""
    if len(LOGICAL_CPUS) < 2:
        pytest.skip("needs two logical CPU devices")
    return tf.distribute.MirroredStrategy(LOGICAL_CPUS[:2])
