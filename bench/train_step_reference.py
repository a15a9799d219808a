#!/usr/bin/env python3
"""Python/PyTorch reference of disent-run's training step, for speed comparisons.

Re-implements, with plain PyTorch, exactly what one `disent-run train` step computes for the paper's setup
(docs: /work/shared/reference/paper-experiments.md §1 and §3.2; C++: lib/models/builtin_models.cpp,
lib/frameworks/vae.cpp + ada_vae.cpp, lib/losses/augmented_recon_loss.cpp + conv2d.cpp):

* model conv64: encoder 4x Conv2d(k4, s2, p2) C->32->32->64->64 (+ReLU) -> 1600 -> Linear 256 (+ReLU) ->
  Linear 2z; decoder Linear z->256->1024 (+ReLU) -> (64,4,4) -> 4x ConvTranspose2d(k4, s2, p1) 64->64->32->32->C
  (+ReLU except the last); xavier_normal weights (gain 1), zero biases; z = 9.
* Adam, lr 1e-3, betas (0.9, 0.999), eps 1e-8.
* beta_vae: loss = mean((x_hat - x)^2) + beta * mean(KL(q || N(0, I))), beta = 0.0316 ("mean" reduction).
* ada_vae (Ada-GVAE): pairs; per-dim symmetric KL between the pair's posteriors (detached), shared dims are
  those below min + 0.5 * (max - min); shared dims of both posteriors replaced by the gvae average
  (mu = (mu0 + mu1) / 2, var = (var0 + var1) / 2); recon and KL averaged over the two observations.
* recon loss `mse` or `mse_box_r31_l1.0_k3969.0`: mean(d^2 + 3969 * (blur(x_hat) - blur(x))^2) with a 63x63
  box kernel (taps 1/3969) applied channel-wise as an FFT "same" zero-padded convolution (rfft2 at 126x126,
  crop [31:95]); the kernel's spectrum is recomputed every call, as the C++ does.
* data: XYSquares 64x64x3 (three 8x8 squares, square i in channel i, at 8 * factor, 6 factors in 0..7),
  standardised with mean 1/64 and std 1/sqrt(65) (0.12403473458920855). Batches are rendered on the device
  with tensor ops inside the timed step (a few tiny kernels), so the reference is not data-bound. Pairs for
  ada_vae follow disent's GroundTruthPairOrigSampler: k = randint(1, F-1), k = choice{1, k}, k distinct
  factors resampled uniformly.

Modes: eager, and torch.compile of the loss function (forward + loss; backward through AOTAutograd) in any
torch.compile mode ("default", "reduce-overhead" = CUDA graphs, "max-autotune-no-cudagraphs", ...).
The optimizer step stays eager (torch's default Adam: foreach on CUDA). Compile failures are caught and
reported, never fatal.

Timing: a warm-up of --warmup steps (the first one includes compilation; reported as first_step_s), then
--windows windows of --window-steps steps, each bracketed by torch.cuda.synchronize(); steps/s is the median
over windows. Peak memory: torch.cuda.max_memory_allocated (CUDA) or the process's max RSS (CPU).

Works with torch 1.13 (Debian's python3-torch; eager only) and torch 2.x.

    python3 bench/train_step_reference.py --device cpu --batch 64 --warmup 1 --windows 2 --window-steps 2
    python3 bench/train_step_reference.py --device cuda --modes eager,compile:default,compile:reduce-overhead \
        --json out.json
"""
import argparse
import gc
import json
import math
import os
import platform
import resource
import statistics
import sys
import time
import traceback

import torch
import torch.nn as nn

Z_SIZE = 9
BETA = 0.0316
MEAN = 1.0 / 64.0
STD = 0.12403473458920855  # 1/sqrt(65): XYSquares RGB, 8px squares in 64px (paper Table A2)
BOX_NAME = "mse_box_r31_l1.0_k3969.0"
FRAMEWORKS = ("beta_vae", "ada_vae")
RECON_LOSSES = ("mse", BOX_NAME)


# ---------------------------------------------------------------------------------------------------- model
def _conv(cin, cout):
    return nn.Conv2d(cin, cout, kernel_size=4, stride=2, padding=2)


def _deconv(cin, cout):
    return nn.ConvTranspose2d(cin, cout, kernel_size=4, stride=2, padding=1)


class Conv64(nn.Module):
    def __init__(self, z_size=Z_SIZE, channels=3, z_multiplier=2):
        super().__init__()
        self.encoder = nn.Sequential(
            _conv(channels, 32), nn.ReLU(), _conv(32, 32), nn.ReLU(), _conv(32, 64), nn.ReLU(),
            _conv(64, 64), nn.ReLU(), nn.Flatten(), nn.Linear(1600, 256), nn.ReLU(),
            nn.Linear(256, z_size * z_multiplier))
        self.decoder = nn.Sequential(
            nn.Linear(z_size, 256), nn.ReLU(), nn.Linear(256, 1024), nn.ReLU(), nn.Unflatten(1, (64, 4, 4)),
            _deconv(64, 64), nn.ReLU(), _deconv(64, 32), nn.ReLU(), _deconv(32, 32), nn.ReLU(),
            _deconv(32, channels))
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
                nn.init.xavier_normal_(m.weight, gain=1.0)
                nn.init.zeros_(m.bias)


# ---------------------------------------------------------------------------------------------------- losses
def box_kernel(radius=31):
    n = 2 * radius + 1
    k1 = torch.full((n,), 1.0 / n, dtype=torch.float64)
    return torch.outer(k1, k1).to(torch.float32).reshape(1, 1, n, n).contiguous()


def conv2d_channel_wise_fft(x, k):
    h, w = x.shape[-2], x.shape[-1]
    kh, kw = k.shape[-2], k.shape[-1]
    full = (h + kh - 1, w + kw - 1)
    fx = torch.fft.rfft2(x, s=full)
    fk = torch.fft.rfft2(k.to(dtype=x.dtype), s=full)
    y = torch.fft.irfft2(fx * fk, s=full)
    oh, ow = (kh - 1) // 2, (kw - 1) // 2
    return y[..., oh:oh + h, ow:ow + w]


def recon_unreduced(x_hat, x, kernel):
    loss = (x_hat - x).square()
    if kernel is None:
        return loss
    # w_l = 1.0 (no multiply, as the C++), w_k = 3969.0
    aug = (conv2d_channel_wise_fft(x_hat, kernel) - conv2d_channel_wise_fft(x, kernel)).square()
    return loss + aug * 3969.0


def kl_normal_normal(mu1, s1, mu2, s2):
    var_ratio = (s1 / s2).square()
    t1 = ((mu1 - mu2) / s2).square()
    return 0.5 * (var_ratio + t1 - 1 - torch.log(var_ratio))


def kl_std_normal(mu, logvar):
    return 0.5 * (torch.exp(logvar) + mu.square() - 1 - logvar)


def ada_average(q0, q1, ratio=0.5):
    (mu0, lv0), (mu1, lv1) = q0, q1
    s0, s1 = torch.exp(0.5 * lv0), torch.exp(0.5 * lv1)
    deltas = (0.5 * kl_normal_normal(mu1, s1, mu0, s0) + 0.5 * kl_normal_normal(mu0, s0, mu1, s1)).detach()
    lo = deltas.min(dim=-1, keepdim=True)[0]
    hi = deltas.max(dim=-1, keepdim=True)[0]
    shared = deltas < lo + ratio * (hi - lo)
    v0, v1 = torch.exp(lv0), torch.exp(lv1)
    mu = 0.5 * (mu0 + mu1)
    logvar = torch.log(0.5 * (v0 + v1))
    return ((torch.where(shared, mu, mu0), torch.where(shared, logvar, lv0)),
            (torch.where(shared, mu, mu1), torch.where(shared, logvar, lv1)))


def training_loss(model, xs, framework, kernel, beta=BETA):
    outs = [model.encoder(x) for x in xs]
    qs = [(o[:, :Z_SIZE], o[:, Z_SIZE:]) for o in outs]
    if framework == "ada_vae":
        qs = list(ada_average(qs[0], qs[1]))
    recons, kls = [], []
    for (mu, logvar), x in zip(qs, xs):
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        x_hat = model.decoder(z)
        recons.append(recon_unreduced(x_hat, x, kernel).mean())
        kls.append(kl_std_normal(mu, logvar).mean())
    recon = torch.stack(recons).mean()
    kl = torch.stack(kls).mean()
    return recon + beta * kl


# ---------------------------------------------------------------------------------------------------- data
class XYSquaresOnDevice:
    """Renders standardised XYSquares batches from random factors with broadcasting comparisons."""

    NUM_FACTORS, SIZE, SQUARE, SPACING = 6, 8, 8, 8

    def __init__(self, device):
        self.device = device
        self.cols = torch.arange(64, device=device).view(1, 1, 1, 64)
        self.rows = torch.arange(64, device=device).view(1, 1, 64, 1)

    def factors(self, batch):
        return torch.randint(0, self.SIZE, (batch, self.NUM_FACTORS), device=self.device)

    def pair_of(self, a):
        b_, f = a.shape
        k = torch.randint(1, f, (b_,), device=self.device)  # randint(1, F) in numpy: [1, F-1]
        k = torch.where(torch.rand(b_, device=self.device) < 0.5, torch.ones_like(k), k)  # choice{1, k}
        ranks = torch.rand(b_, f, device=self.device).argsort(dim=1).argsort(dim=1)
        change = ranks < k.unsqueeze(1)
        return torch.where(change, self.factors(b_), a)

    def render(self, f):
        b_ = f.shape[0]
        x = (f[:, 0::2] * self.SPACING).view(b_, 3, 1, 1)
        y = (f[:, 1::2] * self.SPACING).view(b_, 3, 1, 1)
        lit = (self.cols >= x) & (self.cols < x + self.SQUARE) & (self.rows >= y) & (self.rows < y + self.SQUARE)
        return (lit.to(torch.float32) - MEAN) / STD

    def batch(self, framework, batch):
        a = self.factors(batch)
        if framework == "ada_vae":
            return [self.render(a), self.render(self.pair_of(a))]
        return [self.render(a)]


# ---------------------------------------------------------------------------------------------------- bench
def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


def bench_one(framework, recon, mode, args, device):
    """Returns a result dict; never raises."""
    num_obs = 2 if framework == "ada_vae" else 1
    res = {"config": "%s/%s" % (framework, recon), "framework": framework, "recon_loss": recon,
           "implementation": "python-" + mode.replace(":", "-"), "mode": mode, "device": str(device),
           "batch": args.batch, "num_obs": num_obs, "status": "ok"}
    t_start = time.perf_counter()
    try:
        torch.manual_seed(args.seed)
        model = Conv64().to(device)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
        kernel = box_kernel().to(device) if recon == BOX_NAME else None
        data = XYSquaresOnDevice(device)

        def loss_of(xs):
            return training_loss(model, xs, framework, kernel)

        fn = loss_of
        cudagraphs = False
        if mode.startswith("compile"):
            if not hasattr(torch, "compile"):
                res.update(status="unavailable", error="torch %s has no torch.compile" % torch.__version__)
                return res
            cmode = mode.split(":", 1)[1] if ":" in mode else "default"
            cudagraphs = "reduce-overhead" in cmode or cmode == "max-autotune"
            fn = torch.compile(loss_of, mode=None if cmode == "default" else cmode)
        mark_step = getattr(getattr(torch, "compiler", None), "cudagraph_mark_step_begin", None)

        def step():
            xs = data.batch(framework, args.batch)
            if cudagraphs and mark_step is not None:
                mark_step()
            loss = fn(xs)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            return loss

        if device.type == "cuda":
            torch.cuda.empty_cache()
            torch.cuda.reset_peak_memory_stats(device)
        sync(device)
        t0 = time.perf_counter()
        loss = step()
        first = float(loss.detach())
        sync(device)
        res["first_step_s"] = time.perf_counter() - t0
        res["loss_first"] = first
        for _ in range(max(0, args.warmup - 1)):
            step()
        sync(device)
        res["warmup_s"] = time.perf_counter() - t0
        rates = []
        for _ in range(args.windows):
            sync(device)
            t = time.perf_counter()
            for _ in range(args.window_steps):
                loss = step()
            sync(device)
            rates.append(args.window_steps / max(time.perf_counter() - t, 1e-12))
        last = float(loss.detach())
        res["loss_last"] = last
        if not (math.isfinite(first) and math.isfinite(last)):
            res["status"] = "nonfinite-loss"
        sps = statistics.median(rates)
        res.update(steps_per_s=sps, images_per_s=sps * args.batch * num_obs, window_steps_per_s=rates,
                   timed_steps=args.windows * args.window_steps)
        if device.type == "cuda":
            res["peak_alloc_mb"] = torch.cuda.max_memory_allocated(device) / 2**20
            res["peak_reserved_mb"] = torch.cuda.max_memory_reserved(device) / 2**20
        res["peak_rss_mb"] = peak_rss_mb()
    except Exception as e:  # compile / CUDA-graph failures are results, not crashes
        res["status"] = "failed"
        msg = "%s: %s" % (type(e).__name__, e)
        res["error"] = msg[:2000]
        res["traceback_tail"] = traceback.format_exc()[-3000:]
        print("[ref] %s %s FAILED: %s" % (res["config"], mode, msg.splitlines()[0][:300] if msg else ""),
              file=sys.stderr, flush=True)
    finally:
        res["wall_s"] = time.perf_counter() - t_start
        gc.collect()
        if device.type == "cuda":
            try:
                torch.cuda.empty_cache()
            except Exception:
                pass
        if hasattr(torch, "_dynamo"):
            try:
                torch._dynamo.reset()
            except Exception:
                pass
    return res


def environment(device):
    env = {"python": sys.version.split()[0], "torch": torch.__version__, "platform": platform.platform(),
           "num_threads": torch.get_num_threads(), "cuda_available": torch.cuda.is_available(),
           "cxx11_abi": bool(getattr(torch._C, "_GLIBCXX_USE_CXX11_ABI", False)),
           "cudnn_allow_tf32": bool(torch.backends.cudnn.allow_tf32),
           "matmul_allow_tf32": bool(torch.backends.cuda.matmul.allow_tf32),
           "cudnn_benchmark": bool(torch.backends.cudnn.benchmark)}
    if device.type == "cuda":
        env["gpu"] = torch.cuda.get_device_name(device)
        env["cuda"] = torch.version.cuda
        env["cudnn"] = torch.backends.cudnn.version()
    return env


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--batch", type=int, default=256, help="images per step (pairs for ada_vae)")
    p.add_argument("--steps", type=int, default=None,
                   help="shorthand: total timed steps, split into --windows windows (overrides --window-steps)")
    p.add_argument("--warmup", type=int, default=20, help="untimed steps first (the first compiles)")
    p.add_argument("--windows", type=int, default=5)
    p.add_argument("--window-steps", type=int, default=50)
    p.add_argument("--frameworks", default=",".join(FRAMEWORKS))
    p.add_argument("--recon-losses", default=",".join(RECON_LOSSES))
    p.add_argument("--modes", default="eager",
                   help="comma list: eager, compile (= compile:default), compile:<torch.compile mode>")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", default=None, help="write results here (rewritten after every configuration)")
    p.add_argument("--time-budget", type=float, default=0.0,
                   help="seconds; compile modes are skipped once this much time has passed (0: no limit)")
    args = p.parse_args(argv)
    if args.steps:
        args.window_steps = max(1, args.steps // max(1, args.windows))

    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        print("error: --device cuda but torch.cuda.is_available() is False", file=sys.stderr)
        return 2
    env = environment(device)
    print("[ref] " + json.dumps(env), flush=True)
    t_all = time.perf_counter()
    results = []

    def save():
        if args.json:
            tmp = args.json + ".tmp"
            with open(tmp, "w") as f:
                json.dump({"environment": env, "args": vars(args), "results": results}, f, indent=1)
            os.replace(tmp, args.json)

    for mode in [m.strip() for m in args.modes.split(",") if m.strip()]:
        for fw in [s.strip() for s in args.frameworks.split(",") if s.strip()]:
            for rl in [s.strip() for s in args.recon_losses.split(",") if s.strip()]:
                if fw not in FRAMEWORKS or rl not in RECON_LOSSES:
                    print("[ref] unknown framework/loss %s/%s skipped" % (fw, rl), file=sys.stderr)
                    continue
                if mode != "eager" and args.time_budget > 0 and time.perf_counter() - t_all > args.time_budget:
                    results.append({"config": "%s/%s" % (fw, rl), "framework": fw, "recon_loss": rl,
                                    "implementation": "python-" + mode.replace(":", "-"), "mode": mode,
                                    "device": str(device), "batch": args.batch, "status": "skipped",
                                    "error": "time budget"})
                    save()
                    continue
                r = bench_one(fw, rl, mode, args, device)
                results.append(r)
                save()
                if r.get("steps_per_s"):
                    print("[ref] %-34s %-28s %9.2f steps/s %10.0f img/s  first step %.2fs  loss %.4g -> %.4g%s" % (
                        r["config"], mode, r["steps_per_s"], r["images_per_s"], r["first_step_s"],
                        r["loss_first"], r["loss_last"],
                        ("  peak alloc %.0f MB" % r["peak_alloc_mb"]) if "peak_alloc_mb" in r else ""), flush=True)
                else:
                    print("[ref] %-34s %-28s %s %s" % (r["config"], mode, r["status"], r.get("error", "")[:200]),
                          flush=True)
    save()
    return 0


if __name__ == "__main__":
    sys.exit(main())
