"""Test-session setup shared by every test module.

The suite runs on CPU only, and the CPU is split into two *logical* devices so that
`tf.distribute.MirroredStrategy` tests can compare one replica against two. Logical devices
must be configured before TensorFlow initialises its runtime, hence this runs at import time.

Other Keras backends: `KERAS_BACKEND=jax` (or `torch`) runs the backend-neutral tests on it.
JAX gets two virtual CPU devices (for `keras.distribution.DataParallel`) and float64 (the
NumPy-reference and finite-difference tests compute in float64, as on TensorFlow); both must be
set before JAX initialises.
"""

import os

os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")  # hide any GPU: tests must pass without one
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
if os.environ["KERAS_BACKEND"] == "jax":
    os.environ.setdefault("XLA_FLAGS", "--xla_force_host_platform_device_count=2")
    os.environ.setdefault("JAX_ENABLE_X64", "1")
    os.environ.setdefault("JAX_PLATFORMS", "cpu")

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
    if os.environ["KERAS_BACKEND"] != "tensorflow":
        pytest.skip("tf.distribute needs KERAS_BACKEND=tensorflow")
    if len(LOGICAL_CPUS) < 2:
        pytest.skip("needs two logical CPU devices")
    return tf.distribute.MirroredStrategy(LOGICAL_CPUS[:2])


@pytest.fixture
def two_device_strategy(request):
    """Data parallelism over two CPU devices, the backend's way: the session's MirroredStrategy on
    TensorFlow, `keras.distribution.DataParallel` on JAX (reset to one device afterwards)."""
    backend = os.environ["KERAS_BACKEND"]
    if backend == "tensorflow":
        yield request.getfixturevalue("mirrored_strategy")
        return
    if backend != "jax":
        pytest.skip(f"no multi-device data parallelism tested on {backend}")
    import jax
    import keras

    devices = jax.devices("cpu")
    if len(devices) < 2:
        pytest.skip("needs two JAX CPU devices (XLA_FLAGS=--xla_force_host_platform_device_count=2)")
    yield keras.distribution.DataParallel(devices=devices[:2])
    keras.distribution.set_distribution(None)


@pytest.fixture(scope="session")
def quick_run(tmp_path_factory):
    """Every lesson's *instructor* notebook (the lesson with its answers, as `tslearnkit workshop`
    writes it), executed in quick mode the way `tslearnkit run` does: ``(out, figures, failures)``.
    Run once per session: the notebook tests and the course site's browser test read it."""
    pytest.importorskip("papermill")
    from pathlib import Path

    from tslearnkit.course import cli
    from tslearnkit.course.workshop import build_workshop

    notebooks = Path(__file__).resolve().parent.parent / "notebooks"
    out = tmp_path_factory.mktemp("quick")
    figures = out / "figs"
    instructor = build_workshop(out / "workshop", notebooks, cli.LESSONS)["instructor"][0].parent
    failures = cli.run_lessons(
        list(cli.LESSONS), seeds=[0], quick=True, out=out, figures=figures, notebooks=instructor, cell_timeout=600
    )
    return out, figures, failures


def pytest_collection_modifyitems(config, items):
    """Groups for pytest-xdist (``-n 2 --dist loadgroup``, as test.sh runs the suite): a test file's
    tests stay on one worker, so a module-scoped fixture runs once; the tests that read the session's
    quick lesson run share a worker, so it runs once; and each dataset of the quick lessons on other
    datasets gets a group of its own, so those runs, the longest in the suite, spread over workers."""
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        if "quick_run" in item.fixturenames:
            group = "quick_run"
        elif "quick_run_on" in item.fixturenames:
            group = f"quick_run_on[{item.callspec.params['quick_run_on']}]"
        else:
            group = item.nodeid.split("::")[0]
        item.add_marker(pytest.mark.xdist_group(group))
