"""Training and embedding throughput: tslearnkit vs the study's PyTorch implementation (issue 5).

Run it from the repository root with the project's virtual environment::

    .venv/bin/python bench/train.py   (the venv made by bash test.sh or bash run.sh)

(about 4-5 minutes on a 2-core machine). Environment overrides:

    TORCH_PYTHON           python of a venv with torch 2.13.0 (default .venvs/torch/bin/python;
                           if missing, bench/envs/torch.sh is run with SKIP_LEGACY=1 to make it)
    BENCH_REPEATS=3        timed epochs (and embedding passes) per configuration; median reported
    BENCH_WARMUP_STEPS=5   untimed steps (tracing, XLA compilation, allocator warm-up) per config
    BENCH_TF_THREADS=0:0,1:1   TensorFlow intra:inter op thread pairs, one process each (0 = TF default)
    BENCH_TORCH_THREADS=1,0    torch.set_num_threads values, one process each (0 = torch default)
    BENCH_XLA=1            also time the custom train step / embedding with jit_compile=True
    BENCH_SLOW_FACTOR=2.5  a configuration whose first timed run is this many times slower than
                           the best of its framework (e.g. torch's default threads, XLA) is not
                           repeated: repeats refine the contenders, and this keeps the run short
    BENCH_CONFIG_BUDGET_S=40   nor is one whose timed runs already add up to this many seconds
                           (skipped repeats are printed next to the runs)
    BENCH_SEED=0

What is measured. One epoch = 2,400 random-normal series of shape (1007, 4) with 4 labels (600
each, fixed seed), 60 class-balanced batches of 40 (4 classes x 10, the same index batches in
both frameworks, from `tslearnkit.sampling`), Adam(lr=1e-3), the study's `conv` network with
the study's all-triplet loss (batch-all, squared L2, margin 1.0, anchor < positive as
`itertools.combinations` yields pairs, mean over all triplets):

* tslearnkit (Keras 3 / TensorFlow): `model.fit` on the `balanced_batches` tf.data pipeline,
  a custom `tf.function` train step over the same pipeline, and that step with
  `jit_compile=True`; loss `TripletBatchAllLoss(positive_pairs="combinations")`.
* PyTorch: a faithful re-implementation of the study's code: the network with BatchNorm1d and
  `x.view(n, -1)` flattening, siamese-triplet's `AllTripletSelector` (triplets built on the CPU
  with `itertools.combinations` x every negative) and `OnlineTripletLoss`
  (`relu(|a-p|^2 - |a-n|^2 + margin).mean()`), with `torch.set_num_threads(1)` and with torch's
  default thread count.
* Embedding (inference) throughput at batch 256 over the 2,400 series.

Both networks start from the same weights (Keras initialisation copied into torch); before timing,
the script checks that the two networks give the same embeddings in inference mode and the two
losses the same value on the same embeddings.

Every configuration lives in its own long-running worker process (thread settings are per
process); after setup and warm-up, the timed epochs are interleaved round by round across all
workers, so that load from other jobs on a shared machine affects every configuration alike.
The torch workers are this same file run as `--worker torch` under TORCH_PYTHON.

Also reported: the machine's matmul GFLOP/s (2048 x 2048 float32, best of several, in
TensorFlow, NumPy and torch) and the fraction of it the training step reaches, from a FLOP count
of the network (printed: convolutions and dense layers, forward x 3 for forward + backward).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
N_SERIES, TIMESTEPS, CHANNELS, N_CLASSES = 2400, 1007, 4, 4
P, K = 4, 10
BATCH = P * K
EMBED_BATCH = 256
MARGIN = 1.0
LEARNING_RATE = 1e-3


def _env_int(name, default):
    return int(os.environ.get(name, default))


# =============================================================================================
# Worker side: a line-based JSON protocol on stdin / a private copy of stdout
# =============================================================================================
def _serve(handler) -> None:
    """Answer one JSON request per stdin line; anything libraries print goes to stderr."""
    reply_stream = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    for line in sys.stdin:
        request = json.loads(line)
        try:
            reply = {"ok": True, **(handler(request) or {})}
        except Exception:  # reported to the parent, which decides what to do
            reply = {"ok": False, "error": traceback.format_exc()}
        reply_stream.write(json.dumps(reply) + "\n")
        if request.get("cmd") == "exit":
            break


def _best_seconds(fn, repeats=7):
    fn()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


# ---------------------------------------------------------------------------------- TensorFlow
class TFWorker:
    """tslearnkit configurations under one TensorFlow thread setting."""

    def __init__(self, intra: int, inter: int):
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(intra)
        tf.config.threading.set_inter_op_parallelism_threads(inter)
        self.tf = tf
        self.timers = {}

    # -- setup ------------------------------------------------------------------------------
    def setup(self, req):
        sys.path.insert(0, str(REPO_ROOT))
        tf = self.tf
        import keras

        from tslearnkit import losses, models, sampling, training

        start = time.perf_counter()
        seed, warmup, workdir = req["seed"], req["warmup"], Path(req["workdir"])
        rng = np.random.default_rng(seed)
        x = rng.standard_normal((N_SERIES, TIMESTEPS, CHANNELS), dtype=np.float32)
        y = rng.permutation(np.repeat(np.arange(N_CLASSES), N_SERIES // N_CLASSES)).astype(np.int64)
        batches = sampling.balanced_batch_indices(y, P, K, seed=seed, epoch=0)
        self.steps = len(batches)

        def new_dataset():
            return sampling.balanced_batches(x, y, P, K, seed=seed).take(self.steps)

        def new_loss():
            return losses.TripletBatchAllLoss(
                margin=MARGIN, distance_metric="squared-L2", average="all", positive_pairs="combinations"
            )

        keras.utils.set_random_seed(seed)
        reference = models.embedding_model(
            models.build_encoder("conv", (TIMESTEPS, CHANNELS)), dim=None, normalize=False
        )
        init_weights = reference.get_weights()

        def new_model():
            model = models.embedding_model(
                models.build_encoder("conv", (TIMESTEPS, CHANNELS)), dim=None, normalize=False
            )
            model.set_weights(init_weights)
            return model

        info = {"tf": tf.__version__, "keras": keras.__version__}
        if req.get("write_shared"):
            info.update(self._write_shared(workdir, x, y, batches, reference, new_loss, training))

        # model.fit on the tf.data pipeline (what tslearnkit.training.fit_embedding does)
        fit_model = new_model()
        fit_model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE), loss=new_loss())
        info["fit_jit_compile"] = str(fit_model.jit_compile)
        fit_model.fit(new_dataset().take(warmup), verbose=0)
        self.timers["train:fit"] = lambda: fit_model.fit(new_dataset(), verbose=0)

        # custom tf.function train step over the same pipeline, without and with XLA
        all_modes = req["all_modes"]  # else (other thread settings): fit and tf.function embedding
        for jit in ((False, True) if req["xla"] else (False,)) if all_modes else ():
            model, optimizer, loss_fn = new_model(), keras.optimizers.Adam(LEARNING_RATE), new_loss()
            optimizer.build(model.trainable_variables)

            def train_step(xb, yb, model=model, optimizer=optimizer, loss_fn=loss_fn):
                with tf.GradientTape() as tape:
                    loss = loss_fn(yb, model(xb, training=True))
                optimizer.apply(tape.gradient(loss, model.trainable_variables), model.trainable_variables)
                return loss

            step = tf.function(train_step, jit_compile=jit)

            def epoch(dataset, step=step):
                for xb, yb in dataset:
                    loss = step(xb, yb)
                return float(loss)

            name = "train:step_xla" if jit else "train:step"
            try:
                epoch(new_dataset().take(warmup))
                self.timers[name] = lambda epoch=epoch: epoch(new_dataset())
            except Exception as error:  # XLA may not support an op: report, keep going
                info[f"{name}_error"] = f"{type(error).__name__}: {str(error)[:200]}"

        # embedding throughput at batch 256
        x_tf = tf.constant(x)
        self.timers["embed:training.embed"] = lambda: training.embed(fit_model, x, batch_size=EMBED_BATCH)
        self.timers["embed:predict"] = lambda: fit_model.predict(x, batch_size=EMBED_BATCH, verbose=0)
        self.timers["embed:predict_on_batch"] = lambda: [
            fit_model.predict_on_batch(x[i : i + EMBED_BATCH]) for i in range(0, N_SERIES, EMBED_BATCH)
        ]
        for jit in (False, True) if req["xla"] else (False,):
            forward = tf.function(lambda xb: fit_model(xb, training=False), jit_compile=jit)

            def embed_all(forward=forward):
                out = [forward(x_tf[i : i + EMBED_BATCH]) for i in range(0, N_SERIES, EMBED_BATCH)]
                return out[-1].numpy()

            self.timers["embed:tf.function_xla" if jit else "embed:tf.function"] = embed_all
        if not all_modes:
            self.timers = {n: f for n, f in self.timers.items() if n in ("train:fit", "embed:tf.function")}
        for name in [n for n in self.timers if n.startswith("embed:")]:
            try:
                self.timers[name]()  # warm-up: traces both batch shapes (256 and the last 96)
            except Exception as error:
                del self.timers[name]
                info[f"{name}_error"] = f"{type(error).__name__}: {str(error)[:200]}"
        info["modes"] = list(self.timers)
        info["setup_s"] = time.perf_counter() - start
        info["intra_inter"] = [
            tf.config.threading.get_intra_op_parallelism_threads(),
            tf.config.threading.get_inter_op_parallelism_threads(),
        ]
        return info

    def _write_shared(self, workdir, x, y, batches, reference, new_loss, training):
        """Data, batches and initial weights for the torch workers; equivalence references."""
        from keras import layers

        np.save(workdir / "x.npy", x)
        np.save(workdir / "y.npy", y)
        np.save(workdir / "batches.npy", batches)
        encoder = reference.layers[1]
        kinds = {layers.Conv1D: "conv", layers.BatchNormalization: "bn", layers.Dense: "dense"}
        weights, flops, counts = {}, [], {}
        for layer in encoder.layers:
            kind = next((k for cls, k in kinds.items() if isinstance(layer, cls)), None)
            if kind is None:
                continue
            counts[kind] = counts.get(kind, 0) + 1
            name = f"{kind}{counts[kind]}"
            for variable in layer.weights:
                weights[f"{name}.{variable.path.split('/')[-1]}"] = variable.numpy()
            if kind == "bn":
                weights[f"{name}.epsilon"] = np.float32(layer.epsilon)
            elif kind == "conv":
                length, c_out = layer.output.shape[1:]
                k_size, c_in = layer.kernel.shape[:2]
                flops.append((name, 2 * length * k_size * c_in * c_out))
            else:
                n_in, n_out = layer.kernel.shape
                flops.append((name, 2 * n_in * n_out))
        np.savez(workdir / "weights.npz", **weights)
        # references for the equivalence check: inference-mode embeddings of batch 0, and our loss
        x0, y0 = x[batches[0]], y[batches[0]]
        embeddings = reference(x0, training=False).numpy()
        ours = float(new_loss()(y0, embeddings))
        np.savez(workdir / "check.npz", embeddings=embeddings, labels=y0, loss=ours)
        return {"flops": flops, "n_weights": len(weights)}

    # -- requests ---------------------------------------------------------------------------
    def matmul(self, req):
        tf = self.tf
        n = 2048
        a = tf.random.normal((n, n), seed=1)
        b = tf.random.normal((n, n), seed=2)
        tf_s = _best_seconds(lambda: tf.reduce_sum(tf.matmul(a, b)).numpy())
        an, bn = a.numpy(), b.numpy()
        np_s = _best_seconds(lambda: an @ bn)
        flop = 2 * n**3
        return {"tf_gflops": flop / tf_s / 1e9, "numpy_gflops": flop / np_s / 1e9}

    def time(self, req):
        start = time.perf_counter()
        self.timers[req["mode"]]()
        return {"seconds": time.perf_counter() - start}

    def handle(self, req):
        cmd = req["cmd"]
        if cmd == "exit":
            return {}
        return getattr(self, cmd)(req)


# --------------------------------------------------------------------------------------- torch
class TorchWorker:
    """The study's PyTorch training loop and embedding under one torch thread setting."""

    def __init__(self, threads: int):
        import torch

        if threads > 0:
            torch.set_num_threads(threads)
        self.torch = torch
        self.timers = {}

    @staticmethod
    def _network(torch):
        nn = torch.nn

        class EmbeddingNet(nn.Module):
            """The study's CNN: Conv1d-ReLU-MaxPool-Conv1d-BN-ReLU-MaxPool-FC-BN-ReLU-Dropout-FC."""

            def __init__(self):
                super().__init__()
                self.convnet = nn.Sequential(
                    nn.Conv1d(CHANNELS, 64, 3, padding=1), nn.ReLU(), nn.MaxPool1d(2),
                    nn.Conv1d(64, 64, 3, padding=1), nn.BatchNorm1d(64), nn.ReLU(), nn.MaxPool1d(4),
                )  # fmt: skip
                self.fc = nn.Sequential(
                    nn.Linear(64 * 125, 256), nn.BatchNorm1d(256), nn.ReLU(), nn.Dropout(0.1),
                    nn.Linear(256, 128),
                )  # fmt: skip

            def forward(self, x):  # x: (n, channels, timesteps), PyTorch's layout
                output = self.convnet(x)
                output = output.view(output.size()[0], -1)
                return self.fc(output)

        return EmbeddingNet

    @staticmethod
    def _loss(torch):
        from itertools import combinations

        F = torch.nn.functional

        class AllTripletSelector:
            """siamese-triplet's AllTripletSelector: every (anchor < positive) pair x every negative."""

            def get_triplets(self, embeddings, labels):
                labels = labels.cpu().data.numpy()
                triplets = []
                for label in set(labels):
                    label_mask = labels == label
                    label_indices = np.where(label_mask)[0]
                    if len(label_indices) < 2:
                        continue
                    negative_indices = np.where(np.logical_not(label_mask))[0]
                    anchor_positives = list(combinations(label_indices, 2))
                    temp_triplets = [
                        [anchor_positive[0], anchor_positive[1], neg_ind]
                        for anchor_positive in anchor_positives
                        for neg_ind in negative_indices
                    ]
                    triplets += temp_triplets
                return torch.LongTensor(np.array(triplets))

        class OnlineTripletLoss(torch.nn.Module):
            """siamese-triplet's OnlineTripletLoss (squared L2 distances, mean over triplets)."""

            def __init__(self, margin, triplet_selector):
                super().__init__()
                self.margin = margin
                self.triplet_selector = triplet_selector

            def forward(self, embeddings, target):
                triplets = self.triplet_selector.get_triplets(embeddings, target)
                ap_distances = (embeddings[triplets[:, 0]] - embeddings[triplets[:, 1]]).pow(2).sum(1)
                an_distances = (embeddings[triplets[:, 0]] - embeddings[triplets[:, 2]]).pow(2).sum(1)
                losses = F.relu(ap_distances - an_distances + self.margin)
                return losses.mean(), len(triplets)

        return OnlineTripletLoss(MARGIN, AllTripletSelector())

    @staticmethod
    def _load_keras_weights(net, weights, torch, match_epsilon=False):
        """Keras (channels-last) weights into the torch network (channels-first, C-major flatten)."""
        conv1, conv2 = net.convnet[0], net.convnet[3]
        bn1, bn2 = net.convnet[4], net.fc[1]
        dense1, dense2 = net.fc[0], net.fc[4]
        with torch.no_grad():
            for name, conv in (("conv1", conv1), ("conv2", conv2)):
                conv.weight.copy_(torch.from_numpy(weights[f"{name}.kernel"].transpose(2, 1, 0).copy()))
                conv.bias.copy_(torch.from_numpy(weights[f"{name}.bias"]))
            for name, bn in (("bn1", bn1), ("bn2", bn2)):
                bn.weight.copy_(torch.from_numpy(weights[f"{name}.gamma"]))
                bn.bias.copy_(torch.from_numpy(weights[f"{name}.beta"]))
                bn.running_mean.copy_(torch.from_numpy(weights[f"{name}.moving_mean"]))
                bn.running_var.copy_(torch.from_numpy(weights[f"{name}.moving_variance"]))
                if match_epsilon:  # Keras' default is 1e-3, torch's 1e-5 (speed-neutral)
                    bn.eps = float(weights[f"{name}.epsilon"])
            kernel = weights["dense1.kernel"]  # rows indexed t * 64 + c (Keras Flatten of (125, 64))
            kernel = kernel.reshape(125, 64, -1).transpose(2, 1, 0).reshape(kernel.shape[1], -1)
            dense1.weight.copy_(torch.from_numpy(kernel.copy()))  # columns c * 125 + t (view(n, -1))
            dense1.bias.copy_(torch.from_numpy(weights["dense1.bias"]))
            dense2.weight.copy_(torch.from_numpy(weights["dense2.kernel"].T.copy()))
            dense2.bias.copy_(torch.from_numpy(weights["dense2.bias"]))

    def setup(self, req):
        torch = self.torch
        start = time.perf_counter()
        workdir, warmup = Path(req["workdir"]), req["warmup"]
        torch.manual_seed(req["seed"])
        x = torch.from_numpy(np.load(workdir / "x.npy").transpose(0, 2, 1).copy())  # (n, c, t)
        y = torch.from_numpy(np.load(workdir / "y.npy"))
        batches = [torch.from_numpy(b) for b in np.load(workdir / "batches.npy")]
        weights = dict(np.load(workdir / "weights.npz"))
        net_class = self._network(torch)

        # equivalence with the Keras model: same weights -> same embeddings and same loss
        check = np.load(workdir / "check.npz")
        reference = net_class()
        self._load_keras_weights(reference, weights, torch, match_epsilon=True)
        reference.eval()
        criterion = self._loss(torch)
        first = batches[0]
        with torch.no_grad():
            embeddings = reference(x[first]).numpy()
            study_loss, n_triplets = criterion(torch.from_numpy(check["embeddings"]), y[first])
        scale = float(np.abs(check["embeddings"]).max())
        info = {
            "torch": torch.__version__,
            "threads": torch.get_num_threads(),
            "check_embedding_rel_diff": float(np.abs(embeddings - check["embeddings"]).max()) / scale,
            "check_loss_ours": float(check["loss"]),
            "check_loss_study": float(study_loss),
            "n_triplets": int(n_triplets),
        }

        net = net_class()
        self._load_keras_weights(net, weights, torch)
        optimizer = torch.optim.Adam(net.parameters(), lr=LEARNING_RATE)

        def train(steps):
            net.train()
            for idx in steps:
                data, target = x[idx], y[idx]
                optimizer.zero_grad()
                outputs = net(data)
                loss, _ = criterion(outputs, target)
                loss.backward()
                optimizer.step()
            return loss.item()

        def embed():
            net.eval()
            with torch.no_grad():
                out = [net(x[i : i + EMBED_BATCH]) for i in range(0, N_SERIES, EMBED_BATCH)]
            return out[-1].numpy()

        train(batches[:warmup])
        embed()
        self.timers = {"train:study loop": lambda: train(batches), "embed:no_grad": embed}
        info["modes"] = list(self.timers)
        info["setup_s"] = time.perf_counter() - start
        return info

    def matmul(self, req):
        torch = self.torch
        n = 2048
        generator = torch.Generator().manual_seed(0)
        a, b = torch.randn(n, n, generator=generator), torch.randn(n, n, generator=generator)
        return {"torch_gflops": 2 * n**3 / _best_seconds(lambda: torch.mm(a, b)) / 1e9}

    time = TFWorker.time
    handle = TFWorker.handle


# =============================================================================================
# Parent side
# =============================================================================================
class Worker:
    def __init__(self, label, framework, python, args, logdir):
        self.label, self.framework = label, framework
        self.log_path = logdir / f"{label.replace(' ', '_').replace('/', '-')}.log"
        self.log = open(self.log_path, "w")
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [python, __file__, "--worker", framework, *args],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, text=True, env=env,
        )  # fmt: skip
        self.info, self.modes, self.error = {}, [], None

    def send(self, **request):
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()

    def receive(self):
        line = self.proc.stdout.readline()
        if not line:
            self.log.flush()
            tail = self.log_path.read_text()[-3000:]
            raise RuntimeError(f"worker {self.label} died (exit {self.proc.poll()}); log tail:\n{tail}")
        reply = json.loads(line)
        if not reply.pop("ok"):
            raise RuntimeError(f"worker {self.label}: {reply['error']}")
        return reply

    def call(self, **request):
        self.send(**request)
        return self.receive()

    def close(self):
        if self.proc.poll() is None:
            try:
                self.send(cmd="exit")
                self.proc.wait(timeout=30)
            except Exception:
                self.proc.kill()
        self.log.close()


def _torch_python():
    explicit = os.environ.get("TORCH_PYTHON")
    if explicit:
        return explicit
    default = REPO_ROOT / ".venvs" / "torch" / "bin" / "python"
    if not default.exists():
        print("no torch venv: running bench/envs/torch.sh (SKIP_LEGACY=1) ...", flush=True)
        subprocess.run(
            ["bash", str(REPO_ROOT / "bench" / "envs" / "torch.sh")],
            check=True, env={**os.environ, "SKIP_LEGACY": "1"}, stdout=sys.stderr,
        )  # fmt: skip
    return str(default)


def _parse_tf_threads(text):
    pairs = []
    for item in text.split(","):
        intra, _, inter = item.strip().partition(":")
        pairs.append((int(intra), int(inter or 0)))
    return pairs


def _thread_label(framework, value):
    if framework == "tf":
        intra, inter = value
        return (
            "TF threads default" if (intra, inter) == (0, 0) else f"TF intra={intra or 'dflt'} inter={inter or 'dflt'}"
        )
    return "torch default threads" if value == 0 else f"torch.set_num_threads({value})"


MODE_LABELS = {
    "train:fit": "model.fit on tf.data (balanced_batches)",
    "train:step": "tf.function train step on tf.data",
    "train:step_xla": "tf.function(jit_compile=True) step",
    "train:study loop": "study loop + AllTripletSelector",
    "embed:training.embed": "tslearnkit.training.embed (eager)",
    "embed:predict": "model.predict(batch_size=256)",
    "embed:predict_on_batch": "model.predict_on_batch per chunk of 256",
    "embed:tf.function": "tf.function forward",
    "embed:tf.function_xla": "tf.function(jit_compile=True) forward",
    "embed:no_grad": "net.eval() + torch.no_grad()",
}


def main() -> int:
    repeats = _env_int("BENCH_REPEATS", 3)
    warmup = _env_int("BENCH_WARMUP_STEPS", 5)
    seed = _env_int("BENCH_SEED", 0)
    xla = bool(_env_int("BENCH_XLA", 1))
    budget = float(os.environ.get("BENCH_CONFIG_BUDGET_S", 40))
    slow_factor = float(os.environ.get("BENCH_SLOW_FACTOR", 2.5))
    tf_threads = _parse_tf_threads(os.environ.get("BENCH_TF_THREADS", "0:0,1:1"))
    torch_threads = [int(t) for t in os.environ.get("BENCH_TORCH_THREADS", "1,0").split(",")]
    started = time.perf_counter()
    load_start = os.getloadavg()
    workdir = Path(tempfile.mkdtemp(prefix="tslearnkit-bench-train-"))
    print(f"bench/train.py: {N_SERIES} series x ({TIMESTEPS}, {CHANNELS}), batch {BATCH} = {P}x{K}, "
          f"{repeats} timed epochs per config, {warmup} warm-up steps; {os.cpu_count()} CPUs, "
          f"load average {load_start[0]:.1f}; worker logs in {workdir}", flush=True)  # fmt: skip

    tf_workers, torch_workers = [], []
    try:
        for i, pair in enumerate(tf_threads):
            args = ["--intra", str(pair[0]), "--inter", str(pair[1])]
            w = Worker(_thread_label("tf", pair), "tf", sys.executable, args, workdir)
            w.setup_request = dict(cmd="setup", workdir=str(workdir), seed=seed, warmup=warmup,
                                   xla=xla and i == 0, write_shared=i == 0, all_modes=i == 0)  # fmt: skip
            tf_workers.append(w)
        try:
            torch_python = _torch_python()
            for t in torch_threads:
                w = Worker(_thread_label("torch", t), "torch", torch_python, ["--threads", str(t)], workdir)
                w.setup_request = dict(cmd="setup", workdir=str(workdir), seed=seed, warmup=warmup)
                torch_workers.append(w)
        except Exception as error:
            print(f"!! PyTorch reference unavailable: {error}", flush=True)

        # setup: the first TF worker writes the shared data and weights; the rest then set up
        # side by side (setup and warm-up are not timed)
        first = tf_workers[0]
        first.info = first.call(**first.setup_request)
        rest = tf_workers[1:] + torch_workers
        for w in rest:
            w.send(**w.setup_request)
        for w in rest:
            try:
                w.info = w.receive()
            except Exception as error:
                w.error = str(error)
                print(f"!! {w.label}: setup failed:\n{error}", flush=True)
        # timing order interleaves the frameworks: tf-0, torch-0, tf-1, torch-1, ...
        workers = []
        for i in range(max(len(tf_workers), len(torch_workers))):
            workers += [w for w in tf_workers[i : i + 1] + torch_workers[i : i + 1] if w.error is None]
        for w in workers:
            w.modes = w.info["modes"]
            for key, value in w.info.items():
                if key.endswith("_error"):
                    print(f"!! {w.label}: {key[:-6]} unavailable: {value}", flush=True)
        print(f"setup + warm-up done in {time.perf_counter() - started:.0f} s", flush=True)

        # matmul GFLOP/s, one worker at a time, before and after the timed rounds (best kept)
        gflops = {}

        def measure_matmul():
            for w in workers:
                for key, value in w.call(cmd="matmul").items():
                    name = f"{key.replace('_gflops', '')} [{w.label}]"
                    gflops[name] = max(value, gflops.get(name, 0.0))

        measure_matmul()

        # timed rounds, interleaved across workers
        times = {(w.label, m): [] for w in workers for m in w.modes}
        skipped = {}
        for r in range(repeats):
            for w in workers:
                for mode in w.modes:
                    spent = times[(w.label, mode)]
                    if (w.label, mode) in skipped:
                        continue
                    if spent and sum(spent) >= budget:
                        skipped[(w.label, mode)] = f"time budget {budget:.0f} s"
                        continue
                    spent.append(w.call(cmd="time", mode=mode)["seconds"])
            if r == 0:  # configurations far slower than their framework's best are not repeated
                for w in workers:
                    for mode in w.modes:
                        kind = mode.split(":")[0]
                        best = min(t[0] for (label, m), t in times.items()
                                   if m.startswith(kind) and _framework(workers, label) == w.framework)  # fmt: skip
                        if times[(w.label, mode)][0] > slow_factor * best:
                            skipped[(w.label, mode)] = f"> {slow_factor:g}x slower than the best {w.framework} config"
            print(f"round {r + 1}/{repeats} done ({time.perf_counter() - started:.0f} s)", flush=True)
        measure_matmul()
    finally:
        for w in tf_workers + torch_workers:
            w.close()
        for name in ("x.npy", "y.npy", "batches.npy", "weights.npz", "check.npz"):
            (workdir / name).unlink(missing_ok=True)

    _report(workers, times, skipped, gflops, first.info, started, load_start)
    return 0


def _framework(workers, label):
    return next(w.framework for w in workers if w.label == label)


def _report(workers, times, skipped, gflops, tf_info, started, load_start):
    rows = []
    for w in workers:
        impl = "tslearnkit" if w.framework == "tf" else "PyTorch"
        for mode in w.modes:
            seconds = times[(w.label, mode)]
            kind = mode.split(":")[0]
            rate = N_SERIES / statistics.median(seconds)
            rows.append(dict(kind=kind, impl=impl, label=f"{MODE_LABELS.get(mode, mode)} [{w.label}]",
                             rate=rate, seconds=seconds, mode=mode, worker=w.label,
                             note=skipped.get((w.label, mode))))  # fmt: skip

    print()
    print("=" * 100)
    for kind, title in (("train", "TRAINING (one epoch: 60 steps x 40 series, Adam, batch-all triplet)"),
                        ("embed", f"EMBEDDING (inference, 2,400 series at batch {EMBED_BATCH})")):  # fmt: skip
        print(title)
        print(f"  {'impl':<11} {'configuration':<66} {'samples/s':>9}  runs (s)")
        for row in sorted((r for r in rows if r["kind"] == kind), key=lambda r: -r["rate"]):
            runs = " ".join(f"{s:.2f}" for s in row["seconds"])
            note = f"  (not repeated: {row['note']})" if row["note"] else ""
            print(f"  {row['impl']:<11} {row['label']:<66} {row['rate']:>9.0f}  {runs}{note}")
        ours = [r for r in rows if r["kind"] == kind and r["impl"] == "tslearnkit"]
        theirs = [r for r in rows if r["kind"] == kind and r["impl"] == "PyTorch"]
        if ours and theirs:
            best_ours = max(ours, key=lambda r: r["rate"])
            best_theirs = max(theirs, key=lambda r: r["rate"])
            ratio = best_ours["rate"] / best_theirs["rate"]
            verdict = "MET" if ratio >= 1.0 else "NOT met"
            print(f"  ratio ours-best / PyTorch-best = {best_ours['rate']:.0f} / {best_theirs['rate']:.0f} "
                  f"= {ratio:.2f}x   (target >= 1.0x: {verdict})")  # fmt: skip
            default_mode = "train:fit" if kind == "train" else "embed:training.embed"
            default = [r for r in ours if r["mode"] == default_mode and r["worker"] == "TF threads default"]
            if default:
                print(f"  ratio tslearnkit default path ({MODE_LABELS[default_mode]}, TF default threads) "
                      f"/ PyTorch-best = {default[0]['rate'] / best_theirs['rate']:.2f}x")  # fmt: skip
            torch_rates = {r["worker"]: r["rate"] for r in theirs}
            if len(torch_rates) > 1:
                print("  PyTorch thread settings: " + ", ".join(f"{k}: {v:.0f}/s" for k, v in torch_rates.items()))
        print()

    # FLOP count and fraction of the machine's matmul throughput
    flops = tf_info.get("flops", [])
    if flops:
        forward = sum(f for _, f in flops)
        conv1 = flops[0][1]
        per_sample = 3 * forward - conv1  # fwd + grad wrt weights + grad wrt inputs (none for conv1)
        print("FLOP COUNT per sample (2 x multiply-adds; BN/ReLU/pooling/loss are negligible):")
        print("  forward: " + ", ".join(f"{n} {f / 1e6:.2f}" for n, f in flops) + f" = {forward / 1e6:.2f} MFLOP")
        print(f"  forward + backward ~ 3 x forward = {3 * forward / 1e6:.1f} MFLOP; conv1 needs no input "
              f"gradient: {per_sample / 1e6:.1f} MFLOP/sample (issue: ~53)")  # fmt: skip
        peak = max(gflops.values()) if gflops else None
        print("MATMUL 2048x2048 float32 GFLOP/s, best of 7, before and after the rounds:")
        print("  " + ", ".join(f"{k} {v:.0f}" for k, v in gflops.items()))
        if peak:
            for impl in ("tslearnkit", "PyTorch"):
                cand = [r for r in rows if r["kind"] == "train" and r["impl"] == impl]
                if cand:
                    best = max(cand, key=lambda r: r["rate"])
                    achieved = best["rate"] * per_sample / 1e9
                    fastest = N_SERIES / min(best["seconds"]) * per_sample / 1e9
                    print(f"  {impl} best training: {best['rate']:.0f} samples/s x {per_sample / 1e6:.1f} MFLOP "
                          f"= {achieved:.1f} GFLOP/s = {100 * achieved / peak:.0f}% of the best matmul "
                          f"({peak:.0f} GFLOP/s); its fastest epoch: {100 * fastest / peak:.0f}%")  # fmt: skip
    print()
    check = next((w.info for w in workers if w.framework == "torch"), None)
    if check:
        print(f"EQUIVALENCE (same weights, inference mode, batch 0): max |emb_torch - emb_keras| / max|emb| = "
              f"{check['check_embedding_rel_diff']:.1e}; all-triplet loss on the same embeddings: "
              f"tslearnkit {check['check_loss_ours']:.6f} vs study {check['check_loss_study']:.6f} "
              f"({check['n_triplets']} triplets)")  # fmt: skip
    versions = {k: v for w in workers for k, v in w.info.items() if k in ("tf", "keras", "torch")}
    load_end = os.getloadavg()
    print(f"versions: {versions}; Keras fit jit_compile={tf_info.get('fit_jit_compile')} (auto = off on CPU)")
    print(f"total {time.perf_counter() - started:.0f} s; load average {load_start[0]:.1f} at start, "
          f"{load_end[0]:.1f} at end on {os.cpu_count()} CPUs.")  # fmt: skip
    print(
        "CAVEAT: this machine is shared with other jobs, so absolute samples/s vary from run to run; "
        "the ratios, measured in the same run with interleaved rounds, are what count."
    )


def _worker_main(args) -> None:
    if args.worker == "tf":
        worker = TFWorker(args.intra, args.inter)
    else:
        worker = TorchWorker(args.threads)
    _serve(worker.handle)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", choices=("tf", "torch"), help=argparse.SUPPRESS)
    parser.add_argument("--intra", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--inter", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, default=0, help=argparse.SUPPRESS)
    cli = parser.parse_args()
    if cli.worker:
        _worker_main(cli)
    else:
        sys.exit(main())
