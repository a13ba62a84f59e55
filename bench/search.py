"""Nearest-neighbour search over embeddings: the kit's exact search, brute-force NumPy, and HNSW
from faiss (the kit's ``backend="hnsw"``) and usearch, on the same random embeddings.

One command runs everything (every size, both data kinds, both libraries; at >= 1M only the
``--big`` M:ef_construction pairs are built)::

    python bench/search.py --sizes 10000 100000 1000000 --out bench/search_results.json
    python bench/search.py --table bench/search_results.json      # the markdown tables

On 2 cores a 1M graph takes 6 to 9 minutes to build, so bench/README.md lists the narrower
commands its numbers came from (10k/100k in one run, 1M with faiss only in another).

For each gallery size and data kind it measures, with ``--queries`` queries that are not in the
gallery:

* build time (s): embeddings into the index (for exact: the copy and the squared norms);
* batch throughput (queries/s): all queries in one call;
* single-query latency (ms): median over ``--single`` calls of one query each, on one thread;
* recall@k against the kit's exact search (k = 10): the share of the true k nearest neighbours
  found, averaged over queries;
* memory per vector (bytes): the index's own size divided by the gallery size (faiss: its
  serialised size; usearch: ``Index.memory_usage``; exact: the float32 row and its norm).

Data kinds (``--data``): ``gaussian``: i.i.d. normal in ``--dim`` dimensions, scaled to unit
length (the worst case for graph indexes: every point is about equally far from every other);
``subspace``: unit vectors of a random 16-dimensional subspace plus 5 % isotropic noise, then
scaled to unit length (trained embeddings have low intrinsic dimension; this is closer to them).
Both unit length, as ``tk.models.embedding_model`` outputs.

Threads: every library uses all cores (2 here) in batch calls.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tslearnkit.search.exact import ExactSearch  # noqa: E402


def make_embeddings(kind: str, n: int, dim: int, rng: np.random.Generator, basis: np.ndarray) -> np.ndarray:
    """``float32 (n, dim)`` unit vectors, generated in blocks so no float64 copy of 1M rows exists."""
    out = np.empty((n, dim), np.float32)
    for start in range(0, n, 65536):
        m = min(65536, n - start)
        if kind == "gaussian":
            block = rng.standard_normal((m, dim), dtype=np.float32)
        else:
            block = rng.standard_normal((m, basis.shape[0]), dtype=np.float32) @ basis
            block /= np.linalg.norm(block, axis=1, keepdims=True)
            block += 0.05 * rng.standard_normal((m, dim), dtype=np.float32) / np.sqrt(dim)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        out[start : start + m] = block
    return out


def numpy_brute_force(gallery, gallery_sq, queries, k):
    """Plain NumPy k-NN: full distance rows, argpartition, argsort of the k (ties: unspecified)."""
    indices = np.empty((len(queries), k), np.int64)
    step = max(1, 2**24 // len(gallery))
    for start in range(0, len(queries), step):
        q = queries[start : start + step]
        d = gallery_sq[None, :] - 2.0 * (q @ gallery.T)
        part = np.argpartition(d, k - 1, axis=1)[:, :k]
        order = np.argsort(np.take_along_axis(d, part, axis=1), axis=1)
        indices[start : start + len(q)] = np.take_along_axis(part, order, axis=1)
    return indices


def recall(found: np.ndarray, truth: np.ndarray) -> float:
    hits = [len(np.intersect1d(a, b, assume_unique=True)) for a, b in zip(found, truth)]
    return float(np.mean(hits) / truth.shape[1])


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def latency_ms(search, queries, single: int) -> float:
    """Median time of one query, on one thread (BLAS and OpenMP pools limited to 1): a lone
    query gains little from threads, and pool wake-ups on a busy 2-core machine cost more."""
    from threadpoolctl import threadpool_limits

    times = []
    with threadpool_limits(limits=1):
        for row in queries[:single]:
            _, seconds = timed(search, row[None, :])
            times.append(seconds)
    return float(np.median(times) * 1e3)


class FaissHNSW:
    name = "faiss-hnsw"

    def __init__(self, dim, m, ef_construction):
        import faiss

        self.faiss = faiss
        self.index = faiss.IndexHNSWFlat(dim, m, faiss.METRIC_L2)
        self.index.hnsw.efConstruction = ef_construction

    def add(self, x):
        self.index.add(x)

    def search(self, q, k, ef):
        params = self.faiss.SearchParametersHNSW()
        params.efSearch = max(ef, k)
        return self.index.search(q, k, params=params)[1]

    def bytes(self):
        return len(self.faiss.serialize_index(self.index))


class UsearchHNSW:
    name = "usearch-hnsw"

    def __init__(self, dim, m, ef_construction):
        from usearch.index import Index

        self.index = Index(ndim=dim, metric="l2sq", dtype="f32", connectivity=m, expansion_add=ef_construction)

    def add(self, x):
        self.index.add(np.arange(len(x)), x, threads=os.cpu_count())

    def search(self, q, k, ef):
        self.index.expansion_search = max(ef, k)
        keys = self.index.search(q, k, threads=os.cpu_count()).keys
        return np.asarray(keys).reshape(len(q), k)

    def bytes(self):
        return int(self.index.memory_usage)


LIBRARIES = {"faiss": FaissHNSW, "usearch": UsearchHNSW}


def run_size(args, kind, n, rng, basis):
    gallery = make_embeddings(kind, n, args.dim, rng, basis)
    queries = make_embeddings(kind, args.queries, args.dim, rng, basis)
    rows = []

    def report(row):
        rows.append(row)
        print(json.dumps(row), flush=True)

    exact = ExactSearch(args.dim)
    _, build = timed(lambda: (exact.add(gallery), exact.embeddings))
    (truth, _), batch = timed(exact.search, queries, args.k)
    single = latency_ms(lambda q: exact.search(q, args.k), queries, args.single)
    base = {"data": kind, "n": n, "dim": args.dim, "k": args.k, "queries": args.queries}
    exact_qps = args.queries / batch
    report(
        {
            **base,
            "method": "exact (tk.search)",
            "build_s": build,
            "batch_qps": exact_qps,
            "single_ms": single,
            "recall": 1.0,
            "bytes_per_vector": 4 * args.dim + 4,
        }
    )

    gallery_sq = np.einsum("ij,ij->i", gallery, gallery)
    found, batch = timed(numpy_brute_force, gallery, gallery_sq, queries, args.k)
    single = latency_ms(lambda q: numpy_brute_force(gallery, gallery_sq, q, args.k), queries, args.single)
    report(
        {
            **base,
            "method": "numpy brute force",
            "build_s": 0.0,
            "batch_qps": args.queries / batch,
            "single_ms": single,
            "recall": recall(found, truth),
            "bytes_per_vector": 4 * args.dim + 4,
        }
    )

    for library in args.libs:
        for m in args.m:
            for ef_construction in args.ef_construction:
                if n >= 10**6 and (m, ef_construction) not in args.big_configs:
                    continue
                index = LIBRARIES[library](args.dim, m, ef_construction)
                _, build = timed(index.add, gallery)
                size = index.bytes() / n
                for ef in args.ef_search:
                    found, batch = timed(index.search, queries, args.k, ef)
                    single = latency_ms(lambda q, index=index, ef=ef: index.search(q, args.k, ef), queries, args.single)
                    report(
                        {
                            **base,
                            "method": index.name,
                            "m": m,
                            "ef_construction": ef_construction,
                            "ef_search": ef,
                            "build_s": build,
                            "batch_qps": args.queries / batch,
                            "speedup_vs_exact": args.queries / batch / exact_qps,
                            "single_ms": single,
                            "recall": recall(found, truth),
                            "bytes_per_vector": size,
                        }
                    )
                del index
    return rows


def markdown_table(rows) -> str:
    """The rows of one or more ``--out`` files as a markdown table, in run order."""
    header = (
        "| data | n | method | M | ef_c | ef_s | build s | queries/s | × exact | 1 query ms | recall@10 | B/vector |"
    )
    lines = [header, "|" + "---|" * (header.count("|") - 1)]
    exact_qps = {(r["data"], r["n"]): r["batch_qps"] for r in rows if r["method"].startswith("exact")}
    for r in rows:
        cells = [
            r["data"],
            f"{r['n']:,}",
            r["method"],
            str(r.get("m", "–")),
            str(r.get("ef_construction", "–")),
            str(r.get("ef_search", "–")),
            f"{r['build_s']:.1f}",
            f"{r['batch_qps']:,.0f}",
            f"{r['batch_qps'] / exact_qps[r['data'], r['n']]:.1f}",
            f"{r['single_ms']:.2f}",
            f"{r['recall']:.3f}",
            f"{r['bytes_per_vector']:.0f}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--data", nargs="+", default=["gaussian", "subspace"], choices=["gaussian", "subspace"])
    parser.add_argument("--libs", nargs="+", default=["faiss", "usearch"], choices=sorted(LIBRARIES))
    parser.add_argument("--dim", type=int, default=128)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--single", type=int, default=100, help="single-query calls timed for the latency")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--m", type=int, nargs="+", default=[16, 32])
    parser.add_argument("--ef-construction", type=int, nargs="+", default=[100, 200])
    parser.add_argument("--ef-search", type=int, nargs="+", default=[16, 32, 64, 128, 256, 512])
    parser.add_argument("--big", nargs="+", default=["32:200"], help="M:ef_construction pairs built at >= 1M")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="write every row to this JSON file")
    parser.add_argument(
        "--table", type=Path, nargs="+", default=None, help="print --out files as markdown; run nothing"
    )
    args = parser.parse_args(argv)
    if args.table:
        print(markdown_table([row for path in args.table for row in json.loads(path.read_text())["rows"]]))
        return
    args.big_configs = {tuple(int(v) for v in pair.split(":")) for pair in args.big}

    import faiss
    import usearch

    environment = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "faiss": faiss.__version__,
        "usearch": usearch.__version__,
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
    }
    print(json.dumps(environment), flush=True)
    rows = []
    rng = np.random.default_rng(args.seed)
    basis = np.linalg.qr(rng.standard_normal((args.dim, 16)))[0].T.astype(np.float32)  # (16, dim) orthonormal
    for kind in args.data:
        for n in args.sizes:
            rows += run_size(args, kind, n, rng, basis)
            if args.out:
                args.out.write_text(json.dumps({"environment": environment, "rows": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
