#!/usr/bin/env python3
"""ViT parity fixtures: a faithful plain-PyTorch port of Hugging Face's modeling_vit.py ViTModel (no transformers
package here), a tiny checkpoint written as .safetensors by hand, and the expected outputs for a fixed input.

Ported from transformers/models/vit/modeling_vit.py: ViTEmbeddings, ViTPatchEmbeddings, ViTSelfAttention,
ViTSelfOutput, ViTAttention, ViTIntermediate, ViTOutput, ViTLayer, ViTEncoder, ViTPooler, ViTModel (eager
attention, no head mask, no position-embedding interpolation, hidden_act "gelu" = exact erf GELU).

Outputs (tests/AuxLosses.Models.Tests/Fixtures):
  vit_tiny/config.json + model.safetensors        ViTModel checkpoint (with pooler), HF key names
  vit_tiny_classifier/config.json + model.safetensors
                                                  ViTForImageClassification-style: 'vit.' prefix, no pooler,
                                                  classifier.weight/bias
  vit_tiny_expected.json                          input pixels and expected outputs (float64 reference)
  vit_base_in21k_keys.json                        key -> shape of google/vit-base-patch16-224-in21k's ViTModel
"""
import json
import math
import os
import struct

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))


class ViTPatchEmbeddings(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.image_size = (cfg["image_size"], cfg["image_size"])
        self.patch_size = (cfg["patch_size"], cfg["patch_size"])
        self.num_channels = cfg["num_channels"]
        self.num_patches = (self.image_size[1] // self.patch_size[1]) * (self.image_size[0] // self.patch_size[0])
        self.projection = nn.Conv2d(cfg["num_channels"], cfg["hidden_size"], kernel_size=self.patch_size, stride=self.patch_size)

    def forward(self, pixel_values):
        b, c, h, w = pixel_values.shape
        if c != self.num_channels:
            raise ValueError("Make sure that the channel dimension of the pixel values match with the one set in the configuration.")
        if h != self.image_size[0] or w != self.image_size[1]:
            raise ValueError(f"Input image size ({h}*{w}) doesn't match model ({self.image_size[0]}*{self.image_size[1]}).")
        return self.projection(pixel_values).flatten(2).transpose(1, 2)


class ViTEmbeddings(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cls_token = nn.Parameter(torch.randn(1, 1, cfg["hidden_size"]))
        self.patch_embeddings = ViTPatchEmbeddings(cfg)
        n = self.patch_embeddings.num_patches
        self.position_embeddings = nn.Parameter(torch.randn(1, n + 1, cfg["hidden_size"]))
        self.dropout = nn.Dropout(cfg["hidden_dropout_prob"])

    def forward(self, pixel_values):
        b = pixel_values.shape[0]
        embeddings = self.patch_embeddings(pixel_values)
        cls_tokens = self.cls_token.expand(b, -1, -1)
        embeddings = torch.cat((cls_tokens, embeddings), dim=1)
        embeddings = embeddings + self.position_embeddings
        return self.dropout(embeddings)


class ViTSelfAttention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.num_attention_heads = cfg["num_attention_heads"]
        self.attention_head_size = cfg["hidden_size"] // cfg["num_attention_heads"]
        self.all_head_size = self.num_attention_heads * self.attention_head_size
        self.query = nn.Linear(cfg["hidden_size"], self.all_head_size, bias=cfg["qkv_bias"])
        self.key = nn.Linear(cfg["hidden_size"], self.all_head_size, bias=cfg["qkv_bias"])
        self.value = nn.Linear(cfg["hidden_size"], self.all_head_size, bias=cfg["qkv_bias"])
        self.dropout = nn.Dropout(cfg["attention_probs_dropout_prob"])

    def transpose_for_scores(self, x):
        new_x_shape = x.size()[:-1] + (self.num_attention_heads, self.attention_head_size)
        return x.view(new_x_shape).permute(0, 2, 1, 3)

    def forward(self, hidden_states):
        mixed_query_layer = self.query(hidden_states)
        key_layer = self.transpose_for_scores(self.key(hidden_states))
        value_layer = self.transpose_for_scores(self.value(hidden_states))
        query_layer = self.transpose_for_scores(mixed_query_layer)
        attention_scores = torch.matmul(query_layer, key_layer.transpose(-1, -2))
        attention_scores = attention_scores / math.sqrt(self.attention_head_size)
        attention_probs = nn.functional.softmax(attention_scores, dim=-1)
        attention_probs = self.dropout(attention_probs)
        context_layer = torch.matmul(attention_probs, value_layer)
        context_layer = context_layer.permute(0, 2, 1, 3).contiguous()
        new_context_layer_shape = context_layer.size()[:-2] + (self.all_head_size,)
        return context_layer.view(new_context_layer_shape)


class ViTSelfOutput(nn.Module):
    # The residual is added in ViTLayer, not here (pre-norm block).
    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg["hidden_size"], cfg["hidden_size"])
        self.dropout = nn.Dropout(cfg["hidden_dropout_prob"])

    def forward(self, hidden_states, input_tensor):
        return self.dropout(self.dense(hidden_states))


class ViTAttention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.attention = ViTSelfAttention(cfg)
        self.output = ViTSelfOutput(cfg)

    def forward(self, hidden_states):
        return self.output(self.attention(hidden_states), hidden_states)


ACT = {"gelu": nn.functional.gelu}


class ViTIntermediate(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg["hidden_size"], cfg["intermediate_size"])
        self.intermediate_act_fn = ACT[cfg["hidden_act"]]

    def forward(self, hidden_states):
        return self.intermediate_act_fn(self.dense(hidden_states))


class ViTOutput(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg["intermediate_size"], cfg["hidden_size"])
        self.dropout = nn.Dropout(cfg["hidden_dropout_prob"])

    def forward(self, hidden_states, input_tensor):
        return self.dropout(self.dense(hidden_states)) + input_tensor


class ViTLayer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.attention = ViTAttention(cfg)
        self.intermediate = ViTIntermediate(cfg)
        self.output = ViTOutput(cfg)
        self.layernorm_before = nn.LayerNorm(cfg["hidden_size"], eps=cfg["layer_norm_eps"])
        self.layernorm_after = nn.LayerNorm(cfg["hidden_size"], eps=cfg["layer_norm_eps"])

    def forward(self, hidden_states):
        attention_output = self.attention(self.layernorm_before(hidden_states))
        hidden_states = attention_output + hidden_states
        layer_output = self.layernorm_after(hidden_states)
        layer_output = self.intermediate(layer_output)
        return self.output(layer_output, hidden_states)


class ViTEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.layer = nn.ModuleList([ViTLayer(cfg) for _ in range(cfg["num_hidden_layers"])])

    def forward(self, hidden_states):
        all_hidden_states = ()
        for layer_module in self.layer:
            all_hidden_states = all_hidden_states + (hidden_states,)
            hidden_states = layer_module(hidden_states)
        all_hidden_states = all_hidden_states + (hidden_states,)
        return hidden_states, all_hidden_states


class ViTPooler(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg["hidden_size"], cfg["hidden_size"])
        self.activation = nn.Tanh()

    def forward(self, hidden_states):
        return self.activation(self.dense(hidden_states[:, 0]))


class ViTModel(nn.Module):
    def __init__(self, cfg, add_pooling_layer=True):
        super().__init__()
        self.embeddings = ViTEmbeddings(cfg)
        self.encoder = ViTEncoder(cfg)
        self.layernorm = nn.LayerNorm(cfg["hidden_size"], eps=cfg["layer_norm_eps"])
        self.pooler = ViTPooler(cfg) if add_pooling_layer else None

    def forward(self, pixel_values):
        embedding_output = self.embeddings(pixel_values)
        last, hidden_states = self.encoder(embedding_output)
        sequence_output = self.layernorm(last)
        pooled_output = self.pooler(sequence_output) if self.pooler is not None else None
        return sequence_output, pooled_output, hidden_states


def base_config(**overrides):
    # transformers ViTConfig defaults (= google/vit-base-patch16-224-in21k's config.json).
    cfg = {
        "architectures": ["ViTModel"], "attention_probs_dropout_prob": 0.0, "hidden_act": "gelu",
        "hidden_dropout_prob": 0.0, "hidden_size": 768, "image_size": 224, "initializer_range": 0.02,
        "intermediate_size": 3072, "layer_norm_eps": 1e-12, "model_type": "vit", "num_attention_heads": 12,
        "num_channels": 3, "num_hidden_layers": 12, "patch_size": 16, "qkv_bias": True,
    }
    cfg.update(overrides)
    return cfg


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        b = t.detach().contiguous().to(torch.float32).numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    header["__metadata__"] = {"format": "pt"}
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def write_checkpoint(folder, cfg, tensors):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    write_safetensors(os.path.join(folder, "model.safetensors"), tensors)


def randomize(model, g):
    # Non-trivial weights everywhere (LayerNorm scales around 1, biases non-zero) so every parameter matters.
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "layernorm" in name and name.endswith("weight"):
                p.copy_(1 + 0.2 * torch.randn(p.shape, generator=g))
            elif name.endswith("cls_token") or name.endswith("position_embeddings"):
                p.copy_(0.5 * torch.randn(p.shape, generator=g))
            else:
                fan_in = p.shape[1] * (p.shape[2] * p.shape[3] if p.dim() == 4 else 1) if p.dim() > 1 else 16
                p.copy_(torch.randn(p.shape, generator=g) / math.sqrt(fan_in))


def flat(t):
    return [round(v, 9) for v in t.detach().to(torch.float64).flatten().tolist()]


def main():
    g = torch.Generator().manual_seed(20240607)
    cfg = base_config(hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=37,
                      image_size=32, patch_size=8, initializer_range=0.02)
    model = ViTModel(cfg, add_pooling_layer=True)
    randomize(model, g)
    state = {k: v.detach().to(torch.float32) for k, v in model.state_dict().items()}
    write_checkpoint(os.path.join(HERE, "vit_tiny"), cfg, state)

    classifier = {"vit." + k: v for k, v in state.items() if not k.startswith("pooler.")}
    classifier["classifier.weight"] = torch.randn(5, 32, generator=g)
    classifier["classifier.bias"] = torch.randn(5, generator=g)
    cls_cfg = dict(cfg, architectures=["ViTForImageClassification"])
    write_checkpoint(os.path.join(HERE, "vit_tiny_classifier"), cls_cfg, classifier)

    # Reference in float64 from the float32-valued weights, so the C# float32 run is compared to the exact value.
    model = model.to(torch.float64).eval()
    pixels = torch.randn(2, 3, 32, 32, generator=g, dtype=torch.float32)
    with torch.no_grad():
        seq, pooled, hidden = model(pixels.to(torch.float64))
    expected = {
        "pixels": {"shape": list(pixels.shape), "values": flat(pixels)},
        "last_hidden_state": {"shape": list(seq.shape), "values": flat(seq)},
        "pooler_output": {"shape": list(pooled.shape), "values": flat(pooled)},
        "hidden_states": [{"shape": list(h.shape), "values": flat(h)} for h in hidden],
    }
    with open(os.path.join(HERE, "vit_tiny_expected.json"), "w") as f:
        json.dump(expected, f)

    # Key -> shape of the real google/vit-base-patch16-224-in21k checkpoint (ViTModel with pooler), built on
    # the CPU (about 350 MB, freed at exit).
    base = ViTModel(base_config(), add_pooling_layer=True)
    keys = {k: list(v.shape) for k, v in base.state_dict().items()}
    with open(os.path.join(HERE, "vit_base_in21k_keys.json"), "w") as f:
        json.dump(keys, f, indent=1)


if __name__ == "__main__":
    main()
