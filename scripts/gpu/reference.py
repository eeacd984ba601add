#!/usr/bin/env python3
"""PyTorch references for the AuxLosses fused kernels (run on the GPU machine by run.sh).

1. Reference outputs: small ragged cases (inputs, loss, gradients wrt X, Y, scale, bias) computed in float64 from
   the features, written as .npy + manifest.json, which `AuxLosses.GpuCheck --reference DIR` compares the kernels
   against (in --driver-only mode this needs no libtorch in the .NET process at all).
2. Timings (CUDA events, forward+backward) of an open_clip-style dense ClipLoss and an Inf-CL-style tiled loss
   (own implementation of the idea: per-tile LSE merge, recompute in backward), plus dense SigLIP and SupCon, at the
   sizes the harness uses. Written to timings.json.

usage: reference.py OUT_DIR [--sizes 1024,4096,16384] [--depth 512]
"""
import argparse
import json
import os

from array import array
import torch
import torch.nn.functional as F


# ---------------------------------------------------------------- losses (math as in the kernels' header) ----
def itc(x, y, scale, labels, smoothing=0.0, wr=0.5, wc=0.5):
    s = scale * x @ y.t()
    pos = (labels[:, None] == labels[None, :]).to(s.dtype)
    q = pos / pos.sum(1, keepdim=True) * (1 - smoothing) + smoothing / s.shape[1]
    b = s.shape[0]
    return -(q * s.log_softmax(1)).sum() / b * wr - (q * s.log_softmax(0)).sum() / b * wc


def supcon(x, y, scale, row_labels, column_labels, coefficient=1.0):
    s = scale * x @ y.t()
    self_mask = torch.eye(s.shape[0], s.shape[1], dtype=torch.bool, device=s.device)
    pos = (row_labels[:, None] == column_labels[None, :]) & ~self_mask
    lse = s.masked_fill(self_mask, float("-inf")).logsumexp(1)
    count = pos.sum(1).to(s.dtype)
    per_anchor = (s * pos).sum(1) / count.clamp_min(1) - lse
    has = count > 0
    per_anchor = torch.where(has, per_anchor, torch.zeros_like(per_anchor))
    return -coefficient * per_anchor.sum() / has.sum().clamp_min(1)


def siglip(x, y, scale, bias, labels):
    s = scale * x @ y.t() + bias
    z = (labels[:, None] == labels[None, :]).to(s.dtype) * 2 - 1
    return -F.logsigmoid(z * s).sum() / x.shape[0]


# open_clip ClipLoss (single device), as in open_clip/loss.py
def clip_loss(image, text, logit_scale):
    logits = logit_scale * image @ text.t()
    labels = torch.arange(image.shape[0], device=image.device)
    return (F.cross_entropy(logits, labels) + F.cross_entropy(logits.t(), labels)) / 2


class TiledClip(torch.autograd.Function):
    """Inf-CL's idea on one GPU: row/column LSE merged over tiles, nothing B x B kept; backward recomputes tiles."""

    @staticmethod
    def forward(ctx, x, y, scale, tile):
        b = x.shape[0]
        row = torch.full((b,), float("-inf"), device=x.device, dtype=torch.float32)
        col = torch.full((b,), float("-inf"), device=x.device, dtype=torch.float32)
        for r in range(0, b, tile):
            for c in range(0, b, tile):
                s = (scale * x[r:r + tile] @ y[c:c + tile].t()).float()
                row[r:r + tile] = torch.logaddexp(row[r:r + tile], s.logsumexp(1))
                col[c:c + tile] = torch.logaddexp(col[c:c + tile], s.logsumexp(0))
        diag = (scale * (x.float() * y.float()).sum(1))
        ctx.save_for_backward(x, y, scale, row, col)
        ctx.tile = tile
        return ((row - diag).mean() + (col - diag).mean()) / 2

    @staticmethod
    def backward(ctx, g):
        x, y, scale, row, col = ctx.saved_tensors
        b, tile = x.shape[0], ctx.tile
        dx = torch.zeros_like(x, dtype=torch.float32)
        dy = torch.zeros_like(y, dtype=torch.float32)
        dscale = torch.zeros((), device=x.device, dtype=torch.float64)
        for r in range(0, b, tile):
            for c in range(0, b, tile):
                gxy = (x[r:r + tile] @ y[c:c + tile].t()).float()
                s = scale * gxy
                ds = ((s - row[r:r + tile, None]).exp() + (s - col[None, c:c + tile]).exp()) / (2 * b)
                if r == c:
                    ds -= torch.eye(ds.shape[0], ds.shape[1], device=x.device) / b
                ds = ds * g
                dx[r:r + tile] += scale * ds @ y[c:c + tile].float()
                dy[c:c + tile] += scale * ds.t() @ x[r:r + tile].float()
                dscale += (ds * gxy).sum(dtype=torch.float64)
        return dx.to(x.dtype), dy.to(y.dtype), dscale.to(scale.dtype), None


# ------------------------------------------------------------------------------------- reference outputs ----
def write_reference(out_dir, device):
    ref = os.path.join(out_dir, "reference")
    os.makedirs(ref, exist_ok=True)
    gen = torch.Generator().manual_seed(1234)
    cases = []

    def unit(rows, depth, bf16):
        v = F.normalize(torch.randn(rows, depth, generator=gen, dtype=torch.float64), dim=1)
        v = v.to(torch.bfloat16) if bf16 else v.to(torch.float32)
        return v.to(torch.float64)

    def save(name, tensor):
        # .npy v1.0 written by hand (no numpy dependency): little-endian float32 or int64, C order.
        t = tensor.detach().contiguous()
        descr, code = ("<i8", "q") if t.dtype == torch.int64 else ("<f4", "f")
        values = array(code, t.reshape(-1).tolist() if t.dtype == torch.int64 else t.to(torch.float32).reshape(-1).tolist())
        shape = "(" + "".join(f"{n}, " for n in t.shape) + ")"
        header = f"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}"
        header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
        with open(os.path.join(ref, name), "wb") as f:
            f.write(b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode("ascii") + values.tobytes())
        return name

    specs = []
    for b in (1, 37, 70, 300):
        for dtype in ("float32", "bfloat16"):
            specs.append(("itc", b, b, 64, dtype, False, 0.0))
            specs.append(("itc", b, b, 64, dtype, True, 0.1))
            specs.append(("siglip", b, b, 64, dtype, True, 0.0))
            specs.append(("supcon", b, b, 64, dtype, True, 0.0))
    specs.append(("supcon", 37, 74, 32, "float32", True, 0.0))  # rectangular: anchors are one view
    specs.append(("itc", 130, 130, 512, "float32", True, 0.0))
    for i, (kind, m, n, d, dtype, labelled, smoothing) in enumerate(specs):
        x = unit(m, d, dtype == "bfloat16").requires_grad_(True)
        y = unit(n, d, dtype == "bfloat16").requires_grad_(True)
        cl = torch.randint(0, max(2, n // 6), (n,), generator=gen) if labelled else torch.arange(n)
        rl = cl[:m].clone()
        scale_value, bias_value = (10.0, -10.0) if kind == "siglip" else (1 / 0.07, 0.0)
        scale = torch.tensor(scale_value, dtype=torch.float64, requires_grad=True)
        bias = torch.tensor(bias_value, dtype=torch.float64, requires_grad=True)
        wr, wc, coefficient = 0.3, 0.7, 0.8
        if kind == "itc":
            loss = itc(x, y, scale, cl, smoothing, wr, wc)
        elif kind == "supcon":
            loss = supcon(x, y, scale, rl, cl, coefficient)
        else:
            loss = siglip(x, y, scale, bias, cl)
        loss.backward()
        name = f"{kind}_{m}x{n}_d{d}_{dtype}_{'labels' if labelled else 'pairs'}_{i}"
        cases.append({
            "name": name, "kind": kind, "dtype": dtype, "M": m, "N": n, "D": d,
            "scale": scale_value, "bias": bias_value, "smoothing": smoothing, "row_weight": wr, "column_weight": wc,
            "coefficient": coefficient, "mask_diagonal": kind == "supcon",
            "x": save(name + "_x.npy", x),
            "y": save(name + "_y.npy", y),
            "row_labels": save(name + "_rl.npy", rl),
            "column_labels": save(name + "_cl.npy", cl),
            "loss": loss.item(), "dscale": scale.grad.item(), "dbias": bias.grad.item() if kind == "siglip" else 0.0,
            "dx": save(name + "_dx.npy", x.grad),
            "dy": save(name + "_dy.npy", y.grad),
        })
    with open(os.path.join(ref, "manifest.json"), "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases}, f, indent=1)
    return ref


# ----------------------------------------------------------------------------------------------- timing ----
def time_ms(fn, reps, warmup=2):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(reps):
        fn()
    end.record()
    torch.cuda.synchronize()
    return start.elapsed_time(end) / reps


def timings(sizes, depth, device):
    rows = []
    for b in sizes:
        reps = max(3, min(50, (50 * 1024 * 1024) // (b * b)))
        for dtype in (torch.float32, torch.bfloat16):
            g = torch.Generator(device=device).manual_seed(3)
            x = F.normalize(torch.randn(b, depth, device=device, generator=g), dim=1).to(dtype).requires_grad_(True)
            y = F.normalize(torch.randn(b, depth, device=device, generator=g), dim=1).to(dtype).requires_grad_(True)
            labels = torch.randint(0, max(2, b // 8), (b,), device=device, generator=g)
            scale = torch.tensor(1 / 0.07, device=device, requires_grad=True)
            bias = torch.tensor(-10.0, device=device, requires_grad=True)
            cases = {
                "open_clip ClipLoss (dense)": lambda: clip_loss(x, y, scale),
                "Inf-CL-style tiled (tile 1024)": lambda: TiledClip.apply(x, y, scale, 1024),
                "SigLIP dense": lambda: siglip(x.float(), y.float(), scale, bias, torch.arange(b, device=device)),
                "SupCon dense": lambda: supcon(x.float(), x.float(), scale, labels, labels),
            }
            runs = [(name, fn, False) for name, fn in cases.items()]
            if dtype == torch.float32:
                # The same dense losses with TF32 matmuls (torch.backends.cuda.matmul.allow_tf32 = True): the fair
                # comparison for the fused kernels' default TF32 tensor-core path.
                runs += [("open_clip ClipLoss (dense, TF32)", cases["open_clip ClipLoss (dense)"], True),
                         ("SigLIP dense (TF32)", cases["SigLIP dense"], True),
                         ("SupCon dense (TF32)", cases["SupCon dense"], True)]
            for name, fn, tf32 in runs:
                torch.backends.cuda.matmul.allow_tf32 = tf32
                try:
                    fwd = time_ms(lambda: fn(), reps)
                    both = time_ms(lambda: fn().backward(), reps)
                    peak = torch.cuda.max_memory_allocated() / 2**20
                    rows.append({"loss": name, "dtype": str(dtype).replace("torch.", ""), "B": b, "D": depth, "reps": reps,
                                 "forward_ms": fwd, "forward_backward_ms": both, "peak_mib_so_far": peak})
                    print(f"{name:34s} {str(dtype):15s} B={b:6d} fwd {fwd:9.3f} ms  fwd+bwd {both:9.3f} ms")
                except RuntimeError as e:
                    rows.append({"loss": name, "dtype": str(dtype), "B": b, "D": depth, "error": str(e)[:300]})
                    torch.cuda.empty_cache()
                finally:
                    torch.backends.cuda.matmul.allow_tf32 = False
            x.grad = y.grad = scale.grad = bias.grad = None
    return rows


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--sizes", default="1024,4096,16384")
    p.add_argument("--depth", type=int, default=512)
    p.add_argument("--skip-timing", action="store_true")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    ref = write_reference(a.out, "cpu")
    print("reference outputs:", ref)
    if torch.cuda.is_available() and not a.skip_timing:
        print("device:", torch.cuda.get_device_name(0), "torch", torch.__version__, "cuda", torch.version.cuda)
        rows = timings([int(s) for s in a.sizes.split(",")], a.depth, "cuda")
        with open(os.path.join(a.out, "timings.json"), "w") as f:
            json.dump({"device": torch.cuda.get_device_name(0), "torch": torch.__version__, "cuda": torch.version.cuda,
                       "tf32_matmul": "off except rows marked TF32", "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
