#!/usr/bin/env python3
"""CPU training-step comparison behind docs/performance.md, run by hand on an otherwise idle machine.

1. Thread settings (beta_vae/mse, batch 256): disent-run on Debian's LibTorch 1.13 and the Python reference on
   the same LibTorch (Debian's python3-torch), for LibTorch's pool T in {1, 2} x OpenBLAS's pool B in {1, 2}
   (environment OMP_NUM_THREADS=T OPENBLAS_NUM_THREADS=B for both: disent-run's train.threads /
   train.blas_threads defaults follow them).
2. All four configs (beta_vae / ada_vae x mse / box blur), batch 256, each side at its best setting from 1:
   disent-run (LibTorch 1.13) vs Python eager (torch 1.13); disent-run built on PyTorch 2.x's LibTorch
   (build-torch2/) vs Python eager and torch.compile (default mode) on that torch, and disent's own
   framework step (bench/disent_framework_step.py) on it, at disent-run's best LibTorch thread count.

Every measurement goes through bench/train_step_bench.py (one process per configuration and implementation)
and the results land in one JSON, bench/results/<date>-cpu-<cpu model>.json, plus a Markdown table beside it.

    python3 bench/cpu_bench.py [--quick] [--skip-threads] [--skip-torch2]
"""
import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
from train_step_bench import cpu_model, slug  # noqa: E402

CONFIGS = ["beta_vae/mse", "beta_vae/mse_box_r31_l1.0_k3969.0", "ada_vae/mse", "ada_vae/mse_box_r31_l1.0_k3969.0"]
TORCH2_PY = "/opt/disent-run/torch-2.11/bin/python"


def log(msg):
    print("[cpu-bench] " + msg, flush=True)


def step_bench(args, binary, python, configs, threads, blas, modes="eager", skip_disent=False, skip_python=False):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(blas))
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "b.json")
        cmd = [sys.executable, os.path.join(ROOT, "bench", "train_step_bench.py"), "--device", "cpu",
               "--batch", str(args.batch), "--steps", str(args.steps), "--intervals", str(args.intervals),
               "--binary", binary, "--python", python, "--ref-warmup", "1", "--ref-windows", str(args.windows),
               "--ref-window-steps", str(args.window_steps), "--configs", ",".join(configs), "--modes", modes,
               "--json", out, "--md", os.path.join(tmp, "b.md")]
        if skip_disent:
            cmd.append("--skip-disent")
        if skip_python:
            cmd.append("--skip-python")
        subprocess.run(cmd, env=env, check=False)
        try:
            with open(out) as f:
                data = json.load(f)
        except (OSError, ValueError):
            return []
    rows = data["results"] if isinstance(data, dict) else data
    for r in rows:
        r["torch_threads"], r["blas_threads"] = threads, blas
    return rows


def disent_python(args, config, threads, blas):
    fw, rl = config.split("/")
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(blas))
    cmd = [TORCH2_PY, os.path.join(ROOT, "bench", "disent_framework_step.py"), "--framework", fw, "--recon-loss", rl,
           "--batch", str(args.batch), "--threads", str(threads), "--warmup", "1", "--windows", str(args.windows),
           "--window-steps", str(args.window_steps)]
    r = subprocess.run(cmd, env=env, capture_output=True, text=True)
    lines = [l for l in r.stdout.splitlines() if l.startswith("{")]
    if r.returncode != 0 or not lines:
        return {"config": config, "implementation": "disent-python", "status": "failed", "error": r.stderr[-1500:]}
    d = json.loads(lines[-1])
    n = 2 if fw == "ada_vae" else 1
    return {"config": config, "framework": fw, "recon_loss": rl, "implementation": "disent-python (disent 0.8.0)",
            "mode": "eager", "status": "ok", "steps_per_s": d["steps_per_s"], "images_per_s": d["steps_per_s"] * args.batch * n,
            "peak_rss_mb": d["peak_rss_mb"], "torch": d["torch"], "torch_threads": threads, "blas_threads": blas,
            "batch": args.batch}


def best(rows, impl):
    ok = [r for r in rows if r.get("implementation") == impl and r.get("status") == "ok"]
    return max(ok, key=lambda r: r["steps_per_s"]) if ok else None


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--steps", type=int, default=12, help="disent-run steps per run (first interval = warm-up)")
    p.add_argument("--intervals", type=int, default=4)
    p.add_argument("--windows", type=int, default=3)
    p.add_argument("--window-steps", type=int, default=3)
    p.add_argument("--binary", default=os.path.join(ROOT, "build", "disent-run"))
    p.add_argument("--binary-torch2", default=os.path.join(ROOT, "build-torch2", "disent-run"))
    p.add_argument("--skip-threads", action="store_true", help="use T=2, B=1 for both sides")
    p.add_argument("--skip-torch2", action="store_true")
    p.add_argument("--out", default=None)
    args = p.parse_args()
    date = datetime.date.today().isoformat()
    out = args.out or os.path.join(ROOT, "bench", "results", "%s-cpu-%s.json" % (date, slug(cpu_model() or "cpu")))
    os.makedirs(os.path.dirname(out), exist_ok=True)
    result = {"meta": {"date": date, "cpu": cpu_model(), "cores": os.cpu_count(), "batch": args.batch,
                       "blas": "OpenBLAS (Debian libopenblas0-pthread) behind libblas.so.3 for LibTorch 1.13",
                       "command": " ".join(sys.argv)}, "threads": [], "results": []}

    def save():
        with open(out, "w") as f:
            json.dump(result, f, indent=1)

    settings = [(1, 1), (1, 2), (2, 1), (2, 2)] if not args.skip_threads else [(2, 1)]
    for t, b in settings:
        log("thread setting T=%d B=%d" % (t, b))
        result["threads"] += step_bench(args, args.binary, "/usr/bin/python3", CONFIGS[:1], t, b)
        save()
    bd = best(result["threads"], "disent-run") or {"torch_threads": 2, "blas_threads": 1}
    bp = best(result["threads"], "python-eager") or {"torch_threads": 2, "blas_threads": 1}
    result["meta"]["best_threads"] = {"disent-run": [bd["torch_threads"], bd["blas_threads"]],
                                      "python-eager": [bp["torch_threads"], bp["blas_threads"]]}
    log("best: disent-run T=%d B=%d, python T=%d B=%d" % (bd["torch_threads"], bd["blas_threads"],
                                                          bp["torch_threads"], bp["blas_threads"]))
    for c in CONFIGS:
        result["results"] += step_bench(args, args.binary, "/usr/bin/python3", [c], bd["torch_threads"],
                                        bd["blas_threads"], skip_python=True)
        result["results"] += step_bench(args, args.binary, "/usr/bin/python3", [c], bp["torch_threads"],
                                        bp["blas_threads"], skip_disent=True)
        save()
    if not args.skip_torch2 and os.path.exists(args.binary_torch2) and os.path.exists(TORCH2_PY):
        for c in CONFIGS:
            for t in (bd["torch_threads"],):  # PyTorch's wheel computes with its bundled MKL/oneDNN: no OpenBLAS pool
                rows = step_bench(args, args.binary_torch2, TORCH2_PY, [c], t, 1, modes="eager,compile")
                for r in rows:
                    r["implementation"] += " (torch 2.11)"
                result["results"] += rows
                result["results"].append(disent_python(args, c, t, 1))
                save()
    save()
    log("wrote " + out)


if __name__ == "__main__":
    main()
