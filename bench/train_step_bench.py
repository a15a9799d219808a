#!/usr/bin/env python3
"""Training-step speed: disent-run (C++/LibTorch) against the Python/PyTorch reference.

For each configuration {beta_vae, ada_vae} x {mse, mse_box_r31_l1.0_k3969.0} this runs

* `disent-run train experiments/quickstart.yaml train.batch_size=B train.steps=N framework=... recon_loss=...
  metrics.during=[] metrics.final=[] train.log_every=N/K train.checkpoint_every=0 device=... --out TMP
  --progress lines`, and takes steps/s from train.csv's steps_per_s column: the median over the K log
  intervals after the first (the first is warm-up: CUDA/cuDNN initialisation);
* bench/train_step_reference.py (same model, loss and optimizer in plain PyTorch) in each --modes mode,
  one process per (configuration, mode), so that a crashing torch.compile / CUDA-graph run cannot take the
  others down,

and writes one JSON file and one Markdown table (config, implementation, device, steps/s, images/s, peak
memory, ratio vs Python eager). Both files are rewritten after every measurement, so a run cut short still
leaves what it measured. Nothing here needs torch: the runner only starts processes.

Where: bench/results/<YYYY-MM-DD>-<device>.json (+ .md), the device being the GPU's name on cuda
(2026-12-08-nvidia-h100-80gb-hbm3.json) and the CPU's model on cpu, ready to commit (--results-dir
another folder, --json another file). The JSON's "meta" records the device name, the NVIDIA driver, the
reference's torch and CUDA versions, the LibTorch disent-run was built against (its build folder's
CMakeCache.txt: DISENT_LIBTORCH's version.py) and disent-run's git commit (DISENT_GIT_COMMIT overrides).

Peak memory: on CUDA, the largest rise of the GPU's memory.used (nvidia-smi, polled every 0.2 s) over the
value before the process started: it includes the CUDA context and caching-allocator slack, and is the same
measure for both implementations; the reference's torch.cuda.max_memory_allocated is reported beside it.
On CPU, the process's maximum resident set size (wait4).

    # CPU proof (small):
    python3 bench/train_step_bench.py --device cpu --batch 64 --steps 6 --intervals 3 \
        --python /usr/bin/python3 --ref-warmup 1 --ref-windows 2 --ref-window-steps 2 --json /tmp/b.json
    # GPU (scripts/gpu/build-and-test.sh runs this): writes bench/results/<date>-<gpu>.json and .md
    python3 bench/train_step_bench.py --device cuda --binary build-torch2/disent-run --time-budget 240
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FRAMEWORKS = ("beta_vae", "ada_vae")
RECON_LOSSES = ("mse", "mse_box_r31_l1.0_k3969.0")


def log(msg):
    print("[bench %s] %s" % (time.strftime("%H:%M:%S"), msg), flush=True)


# ------------------------------------------------------------------------------------------- GPU memory
class GpuMemPoll:
    """Polls nvidia-smi's memory.used (MiB) of one GPU in a thread; max rise over the starting value."""

    def __init__(self, gpu_index=0, period=0.2):
        self.cmd = ["nvidia-smi", "--query-gpu=memory.used", "--format=csv,noheader,nounits", "-i", str(gpu_index)]
        self.period = period
        self.ok = shutil.which("nvidia-smi") is not None
        self.base = self.peak = None
        self._stop = threading.Event()
        self._thread = None

    def _read(self):
        try:
            out = subprocess.run(self.cmd, capture_output=True, text=True, timeout=5).stdout.strip().splitlines()
            return float(out[0]) if out else None
        except Exception:
            return None

    def start(self):
        if not self.ok:
            return self
        self.base = self._read()
        if self.base is None:
            self.ok = False
            return self
        self.peak = self.base

        def run():
            while not self._stop.is_set():
                v = self._read()
                if v is not None and v > self.peak:
                    self.peak = v
                self._stop.wait(self.period)

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._thread:
            self._stop.set()
            self._thread.join(timeout=10)
        if not self.ok or self.base is None:
            return None
        return max(0.0, self.peak - self.base)


# ------------------------------------------------------------------------------------------- processes
def run_process(cmd, log_path, timeout, env=None, cwd=ROOT, gpu_mem=False):
    """Runs cmd with stdout+stderr to log_path. Returns (rc or None on timeout, max RSS MB, GPU mem rise MB,
    wall seconds, output tail)."""
    poll = GpuMemPoll().start() if gpu_mem else None
    t0 = time.time()
    rc, rss = None, None
    with open(log_path, "w") as f:
        try:
            p = subprocess.Popen(cmd, stdout=f, stderr=subprocess.STDOUT, cwd=cwd, env=env)
        except OSError as e:
            f.write("cannot start %s: %s\n" % (cmd[0], e))
            if poll:
                poll.stop()
            return 127, None, None, 0.0, str(e)
        deadline = t0 + timeout if timeout and timeout > 0 else None
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid == p.pid:
                rc = os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else (status >> 8)
                rss = ru.ru_maxrss / 1024.0
                p.returncode = rc
                break
            if deadline and time.time() > deadline:
                p.kill()
                _, status, ru = os.wait4(p.pid, 0)
                p.returncode = -9
                rc, rss = None, ru.ru_maxrss / 1024.0
                f.write("\n[bench] killed after %.0f s (timeout)\n" % timeout)
                break
            time.sleep(0.05)
    mem = poll.stop() if poll else None
    wall = time.time() - t0
    try:
        with open(log_path, errors="replace") as f:
            tail = f.read()[-4000:]
    except OSError:
        tail = ""
    return rc, rss, mem, wall, tail


def read_csv(path):
    with open(path) as f:
        lines = [l.rstrip("\n") for l in f if l.strip()]
    if not lines:
        return []
    head = lines[0].split(",")
    return [dict(zip(head, l.split(","))) for l in lines[1:]]


# ------------------------------------------------------------------------------------------- disent-run
def parse_variants(text):
    """'graph,eager:train.cuda_graph=false' -> [('graph', []), ('eager', ['train.cuda_graph=false'])]."""
    out = []
    for item in filter(None, (t.strip() for t in text.split(","))):
        name, _, ovs = item.partition(":")
        out.append((name, [o for o in ovs.split(";") if o]))
    return out


def bench_disent(binary, fw, rl, args, workdir, timeout, variant=("default", [])):
    num_obs = 2 if fw == "ada_vae" else 1
    vname, voverrides = variant
    impl = "disent-run" if vname == "default" else "disent-run-" + vname
    res = {"config": "%s/%s" % (fw, rl), "framework": fw, "recon_loss": rl, "implementation": impl,
           "mode": "libtorch", "device": args.device, "batch": args.batch, "num_obs": num_obs, "status": "ok"}
    out = os.path.join(workdir, "run_%s_%s_%s" % (fw, rl.split("_")[0] + ("_box" if "box" in rl else ""), vname))
    shutil.rmtree(out, ignore_errors=True)
    log_every = max(1, args.steps // max(1, args.intervals))
    cmd = [binary, "train", args.spec, "train.batch_size=%d" % args.batch, "train.steps=%d" % args.steps,
           "framework=%s" % fw, "recon_loss=%s" % rl, "metrics.during=[]", "metrics.final=[]",
           "train.log_every=%d" % log_every, "train.checkpoint_every=0", "device=%s" % args.device,
           "--out", out, "--progress", "lines", "--overwrite"] + voverrides
    res["command"] = " ".join(cmd)
    rc, rss, gmem, wall, tail = run_process(cmd, out + ".log", timeout, gpu_mem=args.device.startswith("cuda"))
    res["wall_s"] = wall
    res["peak_rss_mb"] = rss
    if gmem is not None:
        res["peak_gpu_mem_mb"] = gmem
    if rc != 0:
        res["status"] = "timeout" if rc is None else "failed (rc=%s)" % rc
        res["error"] = tail[-1500:]
        return res
    rows = []
    try:
        rows = read_csv(os.path.join(out, "train.csv"))
    except OSError as e:
        res["note"] = "no train.csv (%s); parsed the log" % e
    sps = [float(r["steps_per_s"]) for r in rows if r.get("steps_per_s")]
    if not sps:  # fall back to the [train] lines
        for line in tail.splitlines():
            if line.startswith("[train]") and "steps/s=" in line:
                sps.append(float(line.split("steps/s=")[1].split()[0]))
    if not sps:
        res["status"] = "failed (no steps/s found)"
        res["error"] = tail[-1500:]
        return res
    timed = sps[1:] if len(sps) > 1 else sps
    res["interval_steps_per_s"] = sps
    res["steps_per_s"] = statistics.median(timed)
    res["images_per_s"] = res["steps_per_s"] * args.batch * num_obs
    res["timed_steps"] = log_every * len(timed)
    if len(sps) == 1:
        res["note"] = "one log interval only: includes warm-up"
    for k in ("loss", "data_ms", "forward_ms", "backward_ms", "optimizer_ms"):
        vals = [float(r[k]) for r in rows[1:] or rows if r.get(k)]
        if vals:
            res[k if k != "loss" else "loss_last"] = statistics.median(vals) if k != "loss" else vals[-1]
    if rows and rows[0].get("loss"):
        res["loss_first_interval"] = float(rows[0]["loss"])
    try:
        with open(os.path.join(out, "summary.json")) as f:
            s = json.load(f)
        res["summary_steps_per_s_all"] = s.get("steps_per_s")
        res["libtorch"] = s.get("versions", {}).get("libtorch")
    except Exception:
        pass
    if not args.keep_runs:
        shutil.rmtree(out, ignore_errors=True)
    return res


# ------------------------------------------------------------------------------------------- python reference
def bench_python(fw, rl, mode, args, workdir, timeout):
    num_obs = 2 if fw == "ada_vae" else 1
    base = {"config": "%s/%s" % (fw, rl), "framework": fw, "recon_loss": rl,
            "implementation": "python-" + mode.replace(":", "-"), "mode": mode, "device": args.device,
            "batch": args.batch, "num_obs": num_obs}
    tag = "%s_%s_%s" % (fw, "box" if "box" in rl else "mse", mode.replace(":", "-"))
    jpath = os.path.join(workdir, "ref_%s.json" % tag)
    cmd = [args.python, os.path.join(ROOT, "bench", "train_step_reference.py"), "--device", args.device,
           "--batch", str(args.batch), "--warmup", str(args.ref_warmup), "--windows", str(args.ref_windows),
           "--window-steps", str(args.ref_window_steps), "--frameworks", fw, "--recon-losses", rl,
           "--modes", mode, "--json", jpath]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    rc, rss, gmem, wall, tail = run_process(cmd, os.path.join(workdir, "ref_%s.log" % tag), timeout, env=env,
                                            gpu_mem=args.device.startswith("cuda"))
    res = None
    try:
        with open(jpath) as f:
            d = json.load(f)
        if d.get("results"):
            res = d["results"][0]
            res["environment"] = d.get("environment")
    except Exception:
        pass
    if res is None:
        res = dict(base, status="timeout" if rc is None else "failed (rc=%s)" % rc, error=tail[-1500:])
    elif rc != 0 and res.get("status") == "ok":
        res["status"] = "failed (rc=%s after measuring)" % rc
    res["process_wall_s"] = wall
    res["peak_rss_mb"] = rss
    if gmem is not None:
        res["peak_gpu_mem_mb"] = gmem
    res.pop("traceback_tail", None) if res.get("status") == "ok" else None
    return res


# ------------------------------------------------------------------------------------------- where and what
def slug(text):
    """'NVIDIA H100 80GB HBM3' -> 'nvidia-h100-80gb-hbm3'; 'Intel(R) Xeon(R) ... CPU @ 2.10GHz' -> 'intel-xeon-...'"""
    text = re.sub(r"\((R|TM|tm)\)|@.*$", " ", text)
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unknown"


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def run_text(cmd, timeout=60, cwd=ROOT):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=cwd)
        return r.stdout.strip() if r.returncode == 0 else None
    except Exception:
        return None


def git_commit():
    if os.environ.get("DISENT_GIT_COMMIT"):
        return os.environ["DISENT_GIT_COMMIT"]
    head = run_text(["git", "rev-parse", "HEAD"])
    if head and run_text(["git", "status", "--porcelain", "--untracked-files=no"]):
        head += "-dirty"
    return head


def libtorch_of(binary):
    """The LibTorch a disent-run build links: DISENT_LIBTORCH's version.py (from the build folder's
    CMakeCache.txt); None for Debian's (its version comes from the runs' summary.json)."""
    try:
        with open(os.path.join(os.path.dirname(binary), "CMakeCache.txt")) as f:
            m = re.search(r"^DISENT_LIBTORCH:PATH=(.+)$", f.read(), re.M)
        with open(os.path.join(m.group(1).strip(), "version.py")) as f:
            v = dict(re.findall(r"^(__version__|cuda|git_version)\b[^=\n]*=\s*'([^']*)'", f.read(), re.M))
        return {"version": v.get("__version__"), "cuda": v.get("cuda"), "git_version": v.get("git_version"),
                "dir": m.group(1).strip()}
    except Exception:
        return None


def describe_device(args):
    """meta entries naming the device and the versions around it."""
    cuda = args.device.startswith("cuda")
    index = args.device.split(":")[1] if ":" in args.device else "0"
    probe = ("import json, sys, torch; d = {'python': sys.version.split()[0], 'torch': torch.__version__, "
             "'cuda': torch.version.cuda, 'cudnn': torch.backends.cudnn.version()}\n"
             "if %r and torch.cuda.is_available(): d['gpu'] = torch.cuda.get_device_name(%s)\n"
             "print(json.dumps(d))" % (cuda, index))
    py = {}
    try:
        py = json.loads((run_text([args.python, "-c", probe], timeout=180) or "{}").splitlines()[-1])
    except Exception:
        pass
    meta = {"cpu": cpu_model(), "python": py.get("python"), "python_torch": py.get("torch"),
            "python_torch_cuda": py.get("cuda"), "python_torch_cudnn": py.get("cudnn"),
            "libtorch": libtorch_of(args.binary) if args.binary else None, "git_commit": git_commit()}
    if cuda:
        smi = run_text(["nvidia-smi", "--query-gpu=name,driver_version,memory.total", "--format=csv,noheader",
                        "-i", index], timeout=30) if shutil.which("nvidia-smi") else None
        parts = [p.strip() for p in smi.split(",")] if smi else []
        meta["gpu"] = parts[0] if parts else py.get("gpu")
        meta["driver"] = parts[1] if len(parts) > 1 else None
        meta["gpu_memory"] = parts[2] if len(parts) > 2 else None
        meta["device_name"] = meta["gpu"]
    else:
        meta["device_name"] = meta["cpu"]
    return meta


# ------------------------------------------------------------------------------------------- reporting
def fmt(v, nd=2):
    if v is None:
        return "–"
    if isinstance(v, float):
        if v >= 1000:
            return "%.0f" % v
        return ("%." + str(nd) + "f") % v
    return str(v)


def markdown(results, meta):
    eager = {(r["config"], r["device"]): r.get("steps_per_s") for r in results
             if r.get("implementation") == "python-eager" and r.get("steps_per_s")}
    cuda = meta["device"].startswith("cuda")
    lines = ["## Training-step speed: disent-run vs Python reference", "",
             "device %s%s | batch %d (pairs for ada_vae) | %s | python torch %s" % (
                 meta["device"], (" (%s)" % meta["gpu"]) if meta.get("gpu") else "", meta["batch"],
                 meta.get("disent_run_version") or "?", meta.get("python_torch") or "?"),
             "",
             "LibTorch %s | driver %s | CUDA (python torch) %s | git %s | %s" % (
                 (meta.get("libtorch") or {}).get("version") or "?", meta.get("driver") or "–",
                 meta.get("python_torch_cuda") or "–", meta.get("git_commit") or "?", meta.get("started", "?")),
             "",
             "| config | implementation | device | steps/s | images/s | peak mem MB%s | torch alloc MB | ratio vs Python eager | status |" % (
                 " (GPU, nvidia-smi)" if cuda else " (max RSS)"),
             "|---|---|---|---:|---:|---:|---:|---:|---|"]
    for r in results:
        sps = r.get("steps_per_s")
        base = eager.get((r["config"], r["device"]))
        ratio = (sps / base) if (sps and base) else None
        mem = r.get("peak_gpu_mem_mb") if cuda else r.get("peak_rss_mb")
        status = r.get("status", "?")
        if status != "ok" and r.get("error"):
            status += ": " + r["error"].strip().splitlines()[-1][:80].replace("|", "/") if r["error"].strip() else ""
        if r.get("note"):
            status += " (" + r["note"] + ")"
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["config"], r["implementation"], r["device"], fmt(sps), fmt(r.get("images_per_s"), 0),
            fmt(mem, 0), fmt(r.get("peak_alloc_mb"), 0), ("%.2fx" % ratio) if ratio else "–", status))
    phases = [r for r in results if r.get("implementation") == "disent-run" and r.get("forward_ms") is not None]
    if phases:
        lines += ["", "disent-run phase times, ms/step (median over the timed log intervals; host-side clocks: on CUDA "
                      "they include waits for the GPU wherever a phase synchronises, e.g. the pageable host-to-device "
                      "copy in data_ms):", "",
                  "| config | data_ms | forward_ms | backward_ms | optimizer_ms | sum | 1000/steps_per_s |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for r in phases:
            parts = [r.get(k) or 0.0 for k in ("data_ms", "forward_ms", "backward_ms", "optimizer_ms")]
            lines.append("| %s | %s | %s | %s | %s | %s | %s |" % (
                r["config"], *[fmt(v) for v in parts], fmt(sum(parts)),
                fmt(1000.0 / r["steps_per_s"]) if r.get("steps_per_s") else "–"))
    lines += ["", "steps/s: median over timed windows after warm-up (disent-run: train.csv log intervals after the "
                  "first; Python: --ref-windows windows of --ref-window-steps steps). ratio > 1: faster than "
                  "Python eager on the same config. images/s counts both images of an ada_vae pair.", ""]
    return "\n".join(lines)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--device", default="cuda", help="cuda or cpu (passed to both implementations)")
    p.add_argument("--binary", default=None, help="disent-run executable (default: build-torch2/, then build/)")
    p.add_argument("--spec", default=os.path.join(ROOT, "experiments", "quickstart.yaml"))
    p.add_argument("--python", default=sys.executable, help="interpreter with torch for the reference")
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--steps", type=int, default=None, help="disent-run train.steps (default 600 cuda, 6 cpu)")
    p.add_argument("--intervals", type=int, default=6, help="log intervals per disent-run (the first is warm-up)")
    p.add_argument("--ref-warmup", type=int, default=None, help="reference warm-up steps (default 20 cuda, 1 cpu)")
    p.add_argument("--ref-windows", type=int, default=None, help="default 5 cuda, 2 cpu")
    p.add_argument("--ref-window-steps", type=int, default=None, help="default 100 cuda, 2 cpu")
    p.add_argument("--modes", default=None,
                   help="reference modes, comma list (default cuda: eager,compile:default,compile:reduce-overhead; "
                        "cpu: eager). Eager always runs first for every config; other modes follow while time is left")
    p.add_argument("--configs", default=None, help="comma list of framework/recon_loss (default: all four)")
    p.add_argument("--skip-disent", action="store_true")
    p.add_argument("--disent-variants", default=None,
                   help="disent-run variants NAME[:override;override],... (default cuda: graph, eager without "
                        "CUDA graphs, graph with bf16 autocast; cpu: default)")
    p.add_argument("--skip-python", action="store_true")
    p.add_argument("--time-budget", type=float, default=0.0,
                   help="seconds for the whole benchmark (0: none). Phase 1 (disent-run + Python eager, all configs) "
                        "always runs; later modes are skipped once the budget is spent; each process is killed at "
                        "the budget's end (at least --min-process-s)")
    p.add_argument("--min-process-s", type=float, default=60.0)
    p.add_argument("--process-timeout", type=float, default=900.0, help="upper limit for one process")
    p.add_argument("--results-dir", default=os.path.join(ROOT, "bench", "results"),
                   help="folder of the default --json: <results-dir>/<YYYY-MM-DD>-<device>.json")
    p.add_argument("--json", default=None, help="results file (default: see --results-dir)")
    p.add_argument("--md", default=None, help="Markdown table (default: --json with .md)")
    p.add_argument("--workdir", default=None, help="scratch folder for runs and logs (default: a temp dir)")
    p.add_argument("--keep-runs", action="store_true")
    args = p.parse_args(argv)

    cuda = args.device.startswith("cuda")
    if args.steps is None:
        args.steps = 600 if cuda else 6
    if args.ref_warmup is None:
        args.ref_warmup = 20 if cuda else 1
    if args.ref_windows is None:
        args.ref_windows = 5 if cuda else 2
    if args.ref_window_steps is None:
        args.ref_window_steps = 100 if cuda else 2
    if args.modes is None:
        args.modes = "eager,compile:default,compile:reduce-overhead" if cuda else "eager"
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if args.disent_variants is None:
        args.disent_variants = ("default,eager:train.cuda_graph=false,bf16:train.bf16_autocast=true" if cuda
                                else "default")
    variants = parse_variants(args.disent_variants)
    if "eager" not in modes:
        modes.insert(0, "eager")
    args.spec = os.path.abspath(args.spec)
    if args.binary is None:
        for cand in ("build-torch2/disent-run", "build/disent-run"):
            if os.path.exists(os.path.join(ROOT, cand)):
                args.binary = os.path.join(ROOT, cand)
                break
    if args.binary:
        args.binary = os.path.abspath(args.binary)
    if not args.skip_disent and (not args.binary or not os.access(args.binary, os.X_OK)):
        log("no disent-run executable (%s): disent-run rows will be reported as missing" % args.binary)
    device_meta = describe_device(args)
    if args.json is None:
        args.json = os.path.join(args.results_dir, "%s-%s.json" % (
            time.strftime("%Y-%m-%d"), slug(device_meta.get("device_name") or args.device)))
    if args.md is None:
        args.md = os.path.splitext(args.json)[0] + ".md"
    for path in (args.json, args.md):
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    workdir = args.workdir or tempfile.mkdtemp(prefix="disent-bench-")
    os.makedirs(workdir, exist_ok=True)

    configs = [(fw, rl) for fw in FRAMEWORKS for rl in RECON_LOSSES]
    if args.configs:
        want = [c.strip() for c in args.configs.split(",") if c.strip()]
        configs = [c for c in configs if "%s/%s" % c in want]

    meta = {"device": args.device, "batch": args.batch, "disent_steps": args.steps, "intervals": args.intervals,
            "ref_warmup": args.ref_warmup, "ref_windows": args.ref_windows,
            "ref_window_steps": args.ref_window_steps, "modes": modes, "binary": args.binary,
            "started": time.strftime("%Y-%m-%dT%H:%M:%S"), "workdir": workdir}
    meta.update(device_meta)
    meta["disent_run_version"] = run_text([args.binary, "--version"]) if args.binary else None
    log("settings: " + json.dumps(meta))

    results = []
    t0 = time.time()

    def save():
        meta["elapsed_s"] = time.time() - t0
        tmp = args.json + ".tmp"
        with open(tmp, "w") as f:
            json.dump({"meta": meta, "results": results}, f, indent=1)
        os.replace(tmp, args.json)
        with open(args.md + ".tmp", "w") as f:
            f.write(markdown(results, meta))
        os.replace(args.md + ".tmp", args.md)

    def timeout_left():
        if args.time_budget <= 0:
            return args.process_timeout
        return min(args.process_timeout, max(args.min_process_s, args.time_budget - (time.time() - t0)))

    def add(r):
        results.append(r)
        if r.get("libtorch") and not meta.get("libtorch"):  # Debian's LibTorch: as the run reported it
            meta["libtorch"] = {"version": r["libtorch"]}
        save()
        if r.get("steps_per_s"):
            log("%-34s %-26s %9.2f steps/s %9.0f img/s  mem %s MB" % (
                r["config"], r["implementation"], r["steps_per_s"], r["images_per_s"],
                fmt(r.get("peak_gpu_mem_mb") if cuda else r.get("peak_rss_mb"), 0)))
        else:
            log("%-34s %-26s %s %s" % (r["config"], r["implementation"], r.get("status"),
                                       (r.get("error") or "").strip().splitlines()[-1:] or ""))

    # phase 1: disent-run and Python eager for every config (always)
    for fw, rl in configs:
        if not args.skip_disent:
            if args.binary and os.access(args.binary, os.X_OK):
                for variant in variants:
                    add(bench_disent(args.binary, fw, rl, args, workdir, timeout_left(), variant))
            else:
                add({"config": "%s/%s" % (fw, rl), "implementation": "disent-run", "device": args.device,
                     "batch": args.batch, "status": "missing binary", "error": str(args.binary)})
        if not args.skip_python:
            add(bench_python(fw, rl, "eager", args, workdir, timeout_left()))
    # phase 2: the other reference modes, while the budget lasts
    if not args.skip_python:
        for mode in modes:
            if mode == "eager":
                continue
            for fw, rl in configs:
                if args.time_budget > 0 and time.time() - t0 > args.time_budget:
                    add({"config": "%s/%s" % (fw, rl), "implementation": "python-" + mode.replace(":", "-"),
                         "mode": mode, "device": args.device, "batch": args.batch, "status": "skipped",
                         "error": "time budget of %.0f s spent" % args.time_budget})
                    continue
                add(bench_python(fw, rl, mode, args, workdir, timeout_left()))
    save()
    log("done in %.0f s; wrote %s and %s (logs in %s)" % (time.time() - t0, args.json, args.md, workdir))
    print()
    with open(args.md) as f:
        print(f.read())
    return 0


if __name__ == "__main__":
    sys.exit(main())
