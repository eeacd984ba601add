#!/usr/bin/env python3
"""Writes small safetensors fixtures by hand (no safetensors package): 8-byte little-endian header length,
UTF-8 JSON header, raw little-endian tensor bytes. Layout deliberately differs from the C# writer (insertion
order, no padding, metadata last) so the reader is tested on a file it did not write.

Outputs (tests/AuxLosses.Models.Tests/Fixtures):
  weights_dtypes.safetensors / weights_dtypes.json  one tensor per supported dtype + expected values
  weights_legacy.safetensors / weights_legacy.json  a 'bert.'-prefixed checkpoint with LayerNorm gamma/beta
"""
import json
import os
import struct

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
NAMES = {
    torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
    torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8",
    torch.uint8: "U8", torch.bool: "BOOL",
}


def raw_bytes(t):
    t = t.contiguous()
    if t.dtype == torch.bfloat16:  # numpy has no bfloat16: reinterpret the same 2 bytes as int16
        t = t.view(torch.int16)
    return t.numpy().tobytes()


def write_safetensors(path, tensors, metadata):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        b = raw_bytes(t)
        header[name] = {"dtype": NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    if metadata:
        header["__metadata__"] = metadata
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def expected(tensors, metadata):
    out = {"metadata": metadata, "tensors": {}}
    for name, t in tensors.items():
        values = t.to(torch.float64).flatten().tolist()
        out["tensors"][name] = {"dtype": NAMES[t.dtype], "shape": list(t.shape), "values": values}
    return out


def main():
    g = torch.Generator().manual_seed(1234)
    base = torch.randn(2, 3, generator=g, dtype=torch.float64) * 3
    tensors = {
        "f64": base.clone(),
        "f32": base.to(torch.float32),
        "f16": base.to(torch.float16),
        "bf16": base.to(torch.bfloat16),
        "i64": torch.tensor([[-(2 ** 40), -1, 0], [1, 7, 2 ** 40]], dtype=torch.int64),
        "i32": torch.tensor([-(2 ** 31), -5, 0, 5, 2 ** 31 - 1], dtype=torch.int32),
        "i16": torch.tensor([-32768, -2, 0, 3, 32767], dtype=torch.int16),
        "i8": torch.tensor([[-128, -1], [0, 127]], dtype=torch.int8),
        "u8": torch.tensor([0, 1, 128, 255], dtype=torch.uint8),
        "bool": torch.tensor([True, False, True], dtype=torch.bool),
        "scalar_f32": torch.tensor(2.5, dtype=torch.float32),
        "empty_f32": torch.zeros(0, 4, dtype=torch.float32),
    }
    meta = {"format": "pt", "producer": "generate_weights.py"}
    write_safetensors(os.path.join(HERE, "weights_dtypes.safetensors"), tensors, meta)
    with open(os.path.join(HERE, "weights_dtypes.json"), "w") as f:
        json.dump(expected(tensors, meta), f, indent=1)

    # A tiny BERT-style checkpoint: 'bert.' prefix and the old LayerNorm gamma/beta names, in bf16 and f16,
    # for a module with 'dense' (Linear 3->2) and 'LayerNorm' (2) in float32.
    legacy = {
        "bert.dense.weight": torch.randn(2, 3, generator=g).to(torch.bfloat16),
        "bert.dense.bias": torch.randn(2, generator=g).to(torch.float16),
        "bert.LayerNorm.gamma": torch.tensor([1.5, 0.5]).to(torch.bfloat16),
        "bert.LayerNorm.beta": torch.tensor([0.25, -0.75]).to(torch.float16),
        "cls.predictions.bias": torch.zeros(5),
    }
    write_safetensors(os.path.join(HERE, "weights_legacy.safetensors"), legacy, {})
    with open(os.path.join(HERE, "weights_legacy.json"), "w") as f:
        json.dump(expected(legacy, {}), f, indent=1)


if __name__ == "__main__":
    main()
