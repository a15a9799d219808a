#!/usr/bin/python3
"""Reference numbers for tests/train/test_optimizers.cpp.

Run with Debian's Python torch 1.13 (`/usr/bin/python3 tests/train/optimizer_reference.py`); it prints C++
initialisers that the test hard-codes.

1. torch.optim.RAdam / AdamW / SGD / RMSprop, float64, 7 steps on a fixed 3-element problem:
       x0 = [0.5, -1.2, 2.0],  loss(x) = sum(0.25 x^4 + 0.5 k (x - a)^2),  k = [1, 2, 0.5],  a = [0.3, -0.7, 1.5]
   The parameters after every step are printed.
2. AdaBelief (Zhuang et al. 2020, Algorithm 2), worked out by hand in plain Python floats (no torch, no numpy),
   3 steps on a 2-element parameter, so the derivation is visible here.
"""
import math

import torch

X0 = [0.5, -1.2, 2.0]
K = [1.0, 2.0, 0.5]
A = [0.3, -0.7, 1.5]
STEPS = 7


def loss_of(x):
    k = torch.tensor(K, dtype=torch.float64)
    a = torch.tensor(A, dtype=torch.float64)
    return (0.25 * x.pow(4) + 0.5 * k * (x - a).pow(2)).sum()


def trajectory(make):
    x = torch.tensor(X0, dtype=torch.float64, requires_grad=True)
    opt = make([x])
    out = []
    for _ in range(STEPS):
        opt.zero_grad()
        loss_of(x).backward()
        opt.step()
        out.append([float(v) for v in x.detach()])
    return out


def print_traj(name, traj):
    print(f"// {name}")
    print("{" + ",\n ".join("{" + ", ".join(repr(v) for v in row) + "}" for row in traj) + "}")


# --- 1. torch optimisers ----------------------------------------------------------------------------------
TORCH_CASES = [
    ("radam lr=0.05 betas=(0.8,0.99) eps=1e-6 wd=0.1",
     lambda p: torch.optim.RAdam(p, lr=0.05, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    ("radam lr=0.02 (other defaults)", lambda p: torch.optim.RAdam(p, lr=0.02)),
    # a large eps, so that where eps enters the rectified step shows beyond the test's tolerance
    ("radam lr=0.05 eps=0.1", lambda p: torch.optim.RAdam(p, lr=0.05, eps=0.1)),
    ("adamw lr=0.05 betas=(0.85,0.95) eps=1e-6 wd=0.3",
     lambda p: torch.optim.AdamW(p, lr=0.05, betas=(0.85, 0.95), eps=1e-6, weight_decay=0.3)),
    ("adamw lr=0.05 wd=0.1 amsgrad", lambda p: torch.optim.AdamW(p, lr=0.05, weight_decay=0.1, amsgrad=True)),
    ("sgd lr=0.05 momentum=0.9 dampening=0.1 wd=0.05",
     lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.05)),
    ("sgd lr=0.05 momentum=0.8 nesterov", lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.8, nesterov=True)),
    ("rmsprop lr=0.01 alpha=0.9 eps=1e-6 wd=0.05 momentum=0.5 centered",
     lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=1e-6, weight_decay=0.05, momentum=0.5, centered=True)),
    ("rmsprop lr=0.01 (other defaults)", lambda p: torch.optim.RMSprop(p, lr=0.01)),
]


# --- 2. AdaBelief by hand ---------------------------------------------------------------------------------
def adabelief_by_hand(x, grad_of, lr, b1, b2, eps, wd, decoupled, steps=3):
    """Algorithm 2 of the paper, one element at a time:
        (decoupled: x <- x (1 - lr wd);  else g <- g + wd x)
        m <- b1 m + (1 - b1) g
        s <- b2 s + (1 - b2) (g - m)^2 + eps
        x <- x - lr (m / (1 - b1^t)) / (sqrt(s / (1 - b2^t)) + eps)
    """
    x = list(x)
    m = [0.0] * len(x)
    s = [0.0] * len(x)
    out = []
    for t in range(1, steps + 1):
        g = grad_of(x)
        for i in range(len(x)):
            gi = g[i]
            if decoupled:
                x[i] = x[i] * (1.0 - lr * wd)
            else:
                gi = gi + wd * x[i]
            m[i] = b1 * m[i] + (1.0 - b1) * gi
            s[i] = b2 * s[i] + (1.0 - b2) * (gi - m[i]) ** 2 + eps
            m_hat = m[i] / (1.0 - b1 ** t)
            s_hat = s[i] / (1.0 - b2 ** t)
            x[i] = x[i] - lr * m_hat / (math.sqrt(s_hat) + eps)
        out.append(list(x))
    return out


ADABELIEF_X0 = [1.0, -0.5]
ADABELIEF_CASES = [
    # constant gradient: the belief s only sees eps after step 1 (g - m shrinks geometrically)
    ("adabelief constant gradient [0.5, -2.0], lr=0.1 betas=(0.9,0.999) eps=1e-3",
     lambda x: [0.5, -2.0], dict(lr=0.1, b1=0.9, b2=0.999, eps=1e-3, wd=0.0, decoupled=False)),
    # changing gradient g = x - [0.2, 0.4] (the gradient of 0.5 |x - c|^2), with L2 weight decay
    ("adabelief gradient x - [0.2, 0.4], lr=0.1 betas=(0.8,0.99) eps=1e-8 wd=0.1",
     lambda x: [x[0] - 0.2, x[1] - 0.4], dict(lr=0.1, b1=0.8, b2=0.99, eps=1e-8, wd=0.1, decoupled=False)),
    # the same with decoupled (AdamW-style) weight decay
    ("adabelief gradient x - [0.2, 0.4], lr=0.1 betas=(0.8,0.99) eps=1e-8 wd=0.1 decoupled",
     lambda x: [x[0] - 0.2, x[1] - 0.4], dict(lr=0.1, b1=0.8, b2=0.99, eps=1e-8, wd=0.1, decoupled=True)),
]

if __name__ == "__main__":
    print(f"// torch {torch.__version__}")
    for name, make in TORCH_CASES:
        print_traj(name, trajectory(make))
    for name, grad_of, hp in ADABELIEF_CASES:
        print_traj(name, adabelief_by_hand(ADABELIEF_X0, grad_of, **hp))
