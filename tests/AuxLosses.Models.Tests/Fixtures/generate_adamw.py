"""Writes adamw.json: torch.optim.AdamW reference trajectories for AuxLosses.Models.AdamW.

Run with /usr/bin/python3 (python3-torch 1.13 from apt). A tiny float32 problem with two parameter groups (one with
weight decay, one without), non-default betas/eps, a scalar parameter, a parameter whose gradient is None on odd steps
(set_to_none semantics: AdamW skips it) and a learning-rate change of group 0 before step 3. The gradients are given
per step, so the C# test feeds exactly the same values and compares the parameters after every step.
"""
import json

import torch

torch.manual_seed(20240917)
gen = torch.Generator().manual_seed(7)

BETAS = (0.85, 0.995)
EPS = 1e-6
STEPS = 6
LR_CHANGE = {3: (0, 0.003)}  # before step 3: group 0's lr becomes 0.003

shapes = {"w": [3, 4], "s": [], "b": [4], "u": [2]}
groups = [
    {"name": "decay", "lr": 0.01, "weight_decay": 0.1, "params": ["w", "s"]},
    {"name": "no_decay", "lr": 0.05, "weight_decay": 0.0, "params": ["b", "u"]},
]

params = {n: torch.nn.Parameter(torch.randn(s, generator=gen, dtype=torch.float32)) for n, s in shapes.items()}
initial = {n: p.detach().clone() for n, p in params.items()}
optimizer = torch.optim.AdamW(
    [{"params": [params[n] for n in g["params"]], "lr": g["lr"], "weight_decay": g["weight_decay"]} for g in groups],
    betas=BETAS, eps=EPS, foreach=False)


def values(t):
    return [float(v) for v in t.reshape(-1).tolist()]


steps = []
for step in range(STEPS):
    if step in LR_CHANGE:
        g, lr = LR_CHANGE[step]
        optimizer.param_groups[g]["lr"] = lr
    grads = {}
    for n, p in params.items():
        if n == "u" and step % 2 == 1:
            p.grad = None
            grads[n] = None
        else:
            g = (torch.randn(shapes[n], generator=gen, dtype=torch.float32) * 0.5).contiguous()
            p.grad = g.clone()
            grads[n] = values(g)
    optimizer.step()
    steps.append({
        "lr": [pg["lr"] for pg in optimizer.param_groups],
        "grads": grads,
        "params": {n: values(p.detach()) for n, p in params.items()},
        "step_counts": {n: int(optimizer.state[p]["step"].item()) if p in optimizer.state else 0 for n, p in params.items()},
    })

fixture = {
    "torch_version": torch.__version__,
    "betas": list(BETAS),
    "eps": EPS,
    "shapes": shapes,
    "groups": groups,
    "initial": {n: values(t) for n, t in initial.items()},
    "steps": steps,
}
with open("adamw.json", "w") as f:
    json.dump(fixture, f, indent=1)
print("wrote adamw.json:", STEPS, "steps, torch", torch.__version__)
