#!/usr/bin/env python3
"""Training-step speed of disent's own frameworks (the Python package `disent`, PyPI 0.8.0) on the CPU.

disent's `BetaVae` / `AdaVae` with its `EncoderConv64` / `DecoderConv64` (z = 9) and the Adam optimiser its
`configure_optimizers()` builds, fed ready batches of standardised XYSquares (spacing 8, rendered once
before timing, as bench/train_step_reference.py renders them): one step = `training_step` (disent's
forward, reconstruction loss incl. the box-blur augmentation, KL), `backward`, `optimizer.step()`.
Lightning's `self.log` needs a Trainer; it is replaced by a no-op (logging is not what we time).

Needs an interpreter with torch and disent: disent 0.8.0 requires torch >= 2 and lightning, so it runs in
the PyTorch 2.x venv of scripts/setup-torch2.sh after a bench-only
    /opt/disent-run/torch-2.11/bin/pip install disent==0.8.0 torch==2.11.0 torchvision==0.26.0
It is never used by disent-run or its tests.

    /opt/disent-run/torch-2.11/bin/python bench/disent_framework_step.py --framework beta_vae --recon-loss mse \
        --batch 256 --threads 2 --warmup 2 --windows 3 --window-steps 4
prints one JSON line: {"impl": "disent-python", "steps_per_s": ..., "windows": [...], ...}.
"""
import argparse
import json
import os
import resource
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--framework", choices=["beta_vae", "ada_vae"], default="beta_vae")
    p.add_argument("--recon-loss", default="mse")
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0: PyTorch's default)")
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--windows", type=int, default=3)
    p.add_argument("--window-steps", type=int, default=4)
    args = p.parse_args()

    import torch
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    from disent.frameworks.vae import AdaVae, BetaVae
    from disent.model import AutoEncoder
    from disent.model.ae import DecoderConv64, EncoderConv64
    from train_step_reference import XYSquaresOnDevice

    torch.manual_seed(0)
    cls = BetaVae if args.framework == "beta_vae" else AdaVae
    # disent 0.8.0's registry names an augmented loss only with its normalisation mode; ours defaults to sum
    recon_loss = args.recon_loss
    if "_" in recon_loss and "_norm_" not in recon_loss:
        recon_loss += "_norm_sum"
    cfg = cls.cfg(optimizer="adam", optimizer_kwargs=dict(lr=1e-3), loss_reduction="mean", beta=1e-4,
                  recon_loss=recon_loss)
    model = AutoEncoder(encoder=EncoderConv64(x_shape=(3, 64, 64), z_size=9, z_multiplier=2),
                        decoder=DecoderConv64(x_shape=(3, 64, 64), z_size=9))
    module = cls(model=model, cfg=cfg)
    module.log = lambda *a, **k: None
    module.log_dict = lambda *a, **k: None
    optimizer = module.configure_optimizers()
    data = XYSquaresOnDevice(torch.device("cpu"))
    batches = [{"x_targ": tuple(data.batch(args.framework, args.batch))} for _ in range(4)]

    def step(i):
        optimizer.zero_grad(set_to_none=True)
        loss = module.training_step(batches[i % len(batches)], i)
        loss.backward()
        optimizer.step()

    module.train()
    for i in range(args.warmup):
        step(i)
    windows = []
    for w in range(args.windows):
        t0 = time.perf_counter()
        for i in range(args.window_steps):
            step(i)
        windows.append(args.window_steps / (time.perf_counter() - t0))
    windows.sort()
    print(json.dumps({
        "impl": "disent-python", "framework": args.framework, "recon_loss": args.recon_loss, "batch": args.batch,
        "threads": torch.get_num_threads(), "torch": torch.__version__, "windows": windows,
        "steps_per_s": windows[len(windows) // 2],
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
    }))


if __name__ == "__main__":
    main()
