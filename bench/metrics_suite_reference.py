#!/usr/bin/python3
"""Reference timing of the full-preset metric suite (MIG + DCI + SAP + FactorVAE + unsupervised) with
the disent / disentanglement_lib formulas on scikit-learn 1.2.1 (Debian's python3), on the stored codes
written by `build/bench_metrics CODES.npz`. Run by hand, single-threaded like our metrics:

    OMP_NUM_THREADS=1 /usr/bin/python3 bench/metrics_suite_reference.py CODES.npz

FactorVAE needs a model; it is timed with dlib's per-vote loop (10000 + 5000 votes of 64 observations,
10000-point variance estimate) around a NumPy linear encoder of the same shape as bench_metrics' one.
"""
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import metrics_oracle as ref  # noqa: E402


def factor_vae(encode, sizes, rs, batch=64, num_train=10000, num_eval=5000, num_var=10000):
    def sample(n):
        return np.stack([rs.randint(0, s, size=n) for s in sizes], axis=1)
    global_var = np.var(encode(sample(num_var)), axis=0, ddof=1)
    active = np.sqrt(global_var) >= 0.0

    def votes(n):
        v = np.zeros([len(sizes), global_var.shape[0]], dtype=np.int64)
        for _ in range(n):
            k = rs.randint(len(sizes))
            f = sample(batch)
            f[:, k] = f[0, k]
            local = np.var(encode(f), axis=0, ddof=1)
            v[k, np.argmin(local[active] / global_var[active])] += 1
        return v
    tv, ev = votes(num_train), votes(num_eval)
    cls = np.argmax(tv, axis=0)
    other = np.arange(tv.shape[1])
    return np.sum(tv[cls, other]) / np.sum(tv), np.sum(ev[cls, other]) / np.sum(ev)


def main():
    d = np.load(sys.argv[1])
    z, y, zt, yt = d["codes"].T, d["factors"].T, d["codes_test"].T, d["factors_test"].T
    times = {}
    t0 = time.perf_counter()
    mig = ref.mig(z, y)
    times["mig"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    r, acc_train, acc_test, _ = ref.importance_gbt(z, y, zt, yt)
    dci = (ref.disentanglement(r), ref.completeness(r), acc_train, acc_test)
    times["dci"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    np.random.seed(0)
    sap = ref.sap(z, y, zt, yt, False)
    times["sap"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    uns = ref.unsupervised(z)
    times["unsupervised"] = time.perf_counter() - t0
    w = np.random.RandomState(42).normal(size=(6, 10))
    t0 = time.perf_counter()
    fv = factor_vae(lambda f: f / 7.0 @ w, [8] * 6, np.random.RandomState(0))
    times["factor_vae"] = time.perf_counter() - t0
    print(f"mig {mig:.4f}  dci {np.round(dci, 4)}  sap {sap:.4f}  unsup {uns}  factor_vae {np.round(fv, 4)}")
    for k, v in times.items():
        print(f"{k:13s} {v:8.2f} s")
    print(f"reference suite: {sum(times.values()):.2f} s")


if __name__ == "__main__":
    main()
