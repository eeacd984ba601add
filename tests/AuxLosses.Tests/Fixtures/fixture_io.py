"""Shared writer for the reference fixtures that tests/AuxLosses.Tests/Infrastructure/Fixture.cs reads.

Each generator script builds a list of cases (dicts of tensors and numbers) with PyTorch and calls write().
Run from this folder with Debian's python3-torch (apt-get install python3-torch), using the system
interpreter so that a pyenv python3 earlier on PATH does not shadow it:  /usr/bin/python3 generate_<area>.py
"""
import json
import os

import torch


def encode(value):
    if isinstance(value, torch.Tensor):
        t = value.detach().cpu()
        if t.dtype in (torch.int64, torch.int32, torch.bool):
            return {"shape": list(t.shape), "dtype": "int64", "data": t.to(torch.int64).reshape(-1).tolist()}
        return {"shape": list(t.shape), "dtype": "float64", "data": [float(x) for x in t.to(torch.float64).reshape(-1).tolist()]}
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float, str)):
        return value
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    raise TypeError(f"cannot encode {type(value)}")


def write(file_name, cases, source):
    """Writes {"source": ..., "torch": version, "cases": [...]} next to this script."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), file_name)
    with open(path, "w") as f:
        json.dump({"source": source, "torch": torch.__version__, "cases": [encode(c) for c in cases]}, f, indent=None)
        f.write("\n")
    print(f"wrote {path} ({len(cases)} cases)")
