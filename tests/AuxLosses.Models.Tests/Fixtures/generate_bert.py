#!/usr/bin/env python3
"""BERT / RoBERTa parity fixtures for AuxLosses.Models.BertModel (no `transformers` package needed).

A plain-PyTorch port of Hugging Face's modeling_bert.py / modeling_roberta.py (BertModel / RobertaModel forward in
eval mode, absolute position embeddings, no cache): embeddings (word + token type + position, LayerNorm), encoder
layers (self-attention with the extended mask (1 - m) * finfo.min, output dense + residual LayerNorm, intermediate
activation, output dense + residual LayerNorm), pooler tanh(W h_CLS + b). RoBERTa position ids follow
create_position_ids_from_input_ids: cumsum of the non-pad mask, times the mask, plus padding_idx.

Outputs (tests/AuxLosses.Models.Tests/Fixtures):
  bert_tiny/{config.json, model.safetensors}     'bert.'-prefixed keys, legacy LayerNorm gamma/beta, a 'cls.' head
  bert_roberta_tiny/{config.json, model.safetensors}  'roberta.'-prefixed keys, an 'lm_head.' head, position_ids buffer
  bert_tiny_expected.json, bert_roberta_tiny_expected.json  inputs and float64 reference outputs
  bert_keys.json  the state_dict keys and shapes of bert-base-uncased and roberta-base (HF BertModel / RobertaModel,
                  built on the meta device from their published config.json)
"""
import json
import math
import os
import struct

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


ACT = {"gelu": nn.functional.gelu, "gelu_new": gelu_new, "relu": torch.relu}


class Embeddings(nn.Module):
    def __init__(self, c, device=None):
        super().__init__()
        self.roberta = c["model_type"] != "bert"
        self.pad = c["pad_token_id"]
        self.word_embeddings = nn.Embedding(c["vocab_size"], c["hidden_size"], padding_idx=self.pad, device=device)
        self.position_embeddings = nn.Embedding(c["max_position_embeddings"], c["hidden_size"],
                                                padding_idx=self.pad if self.roberta else None, device=device)
        self.token_type_embeddings = nn.Embedding(c["type_vocab_size"], c["hidden_size"], device=device)
        self.LayerNorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"], device=device)

    def forward(self, ids, tt):
        if self.roberta:  # create_position_ids_from_input_ids (past_key_values_length = 0)
            mask = ids.ne(self.pad).int()
            pos = (torch.cumsum(mask, dim=1).type_as(mask) * mask).long() + self.pad
        else:
            pos = torch.arange(ids.shape[1]).unsqueeze(0).expand_as(ids)
        e = self.word_embeddings(ids) + self.token_type_embeddings(tt) + self.position_embeddings(pos)
        return self.LayerNorm(e)


class SelfAttention(nn.Module):
    def __init__(self, c, device=None):
        super().__init__()
        h = c["hidden_size"]
        self.heads = c["num_attention_heads"]
        self.query = nn.Linear(h, h, device=device)
        self.key = nn.Linear(h, h, device=device)
        self.value = nn.Linear(h, h, device=device)

    def split(self, x):
        n, l, h = x.shape
        return x.view(n, l, self.heads, h // self.heads).permute(0, 2, 1, 3)

    def forward(self, x, ext):
        q, k, v = self.split(self.query(x)), self.split(self.key(x)), self.split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(q.shape[-1]) + ext
        ctx = torch.matmul(torch.softmax(scores, dim=-1), v)
        return ctx.permute(0, 2, 1, 3).reshape(x.shape)


class DenseLayerNorm(nn.Module):  # BertSelfOutput / BertOutput: dense, dropout, LayerNorm(h + residual)
    def __init__(self, c, fan_in, device=None):
        super().__init__()
        self.dense = nn.Linear(fan_in, c["hidden_size"], device=device)
        self.LayerNorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"], device=device)

    def forward(self, x, residual):
        return self.LayerNorm(self.dense(x) + residual)


class Attention(nn.Module):
    def __init__(self, c, device=None):
        super().__init__()
        self.self = SelfAttention(c, device)
        self.output = DenseLayerNorm(c, c["hidden_size"], device)

    def forward(self, x, ext):
        return self.output(self.self(x, ext), x)


class Intermediate(nn.Module):
    def __init__(self, c, device=None):
        super().__init__()
        self.dense = nn.Linear(c["hidden_size"], c["intermediate_size"], device=device)
        self.act = ACT[c["hidden_act"]]

    def forward(self, x):
        return self.act(self.dense(x))


class Layer(nn.Module):
    def __init__(self, c, device=None):
        super().__init__()
        self.attention = Attention(c, device)
        self.intermediate = Intermediate(c, device)
        self.output = DenseLayerNorm(c, c["intermediate_size"], device)

    def forward(self, x, ext):
        a = self.attention(x, ext)
        return self.output(self.intermediate(a), a)


class Encoder(nn.Module):
    def __init__(self, c, device=None):
        super().__init__()
        self.layer = nn.ModuleList([Layer(c, device) for _ in range(c["num_hidden_layers"])])


class Pooler(nn.Module):
    def __init__(self, c, device=None):
        super().__init__()
        self.dense = nn.Linear(c["hidden_size"], c["hidden_size"], device=device)

    def forward(self, h):
        return torch.tanh(self.dense(h[:, 0]))


class Model(nn.Module):
    def __init__(self, c, device=None):
        super().__init__()
        self.embeddings = Embeddings(c, device)
        self.encoder = Encoder(c, device)
        self.pooler = Pooler(c, device)

    def forward(self, ids, mask, tt):
        h = self.embeddings(ids, tt)
        ext = (1.0 - mask[:, None, None, :].to(h.dtype)) * torch.finfo(h.dtype).min
        states = [h]
        for layer in self.encoder.layer:
            h = layer(h, ext)
            states.append(h)
        return h, self.pooler(h), states


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        b = t.contiguous().numpy().tobytes()
        dtype = {torch.float32: "F32", torch.int64: "I64"}[t.dtype]
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    header["__metadata__"] = {"format": "pt", "producer": "generate_bert.py"}
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def flat(t):
    return [round(v, 9) for v in t.to(torch.float64).flatten().tolist()]


def make_case(name, config, prefix, legacy, extra, ids, mask, tt, seed):
    torch.manual_seed(seed)
    model = Model(config).double().eval()
    with torch.no_grad():  # larger-than-default weights so every term (LayerNorm affine, biases) matters
        for pname, p in model.named_parameters():
            p.copy_(torch.randn_like(p) * (0.3 if p.dim() > 1 else 0.2) + (1.0 if "LayerNorm.weight" in pname else 0.0))
    state = {}
    for k, v in model.state_dict().items():
        if legacy and "LayerNorm" in k:
            k = k.replace("LayerNorm.weight", "LayerNorm.gamma").replace("LayerNorm.bias", "LayerNorm.beta")
        state[prefix + k] = v.to(torch.float32)
    state.update(extra)
    folder = os.path.join(HERE, name)
    os.makedirs(folder, exist_ok=True)
    write_safetensors(os.path.join(folder, "model.safetensors"), state)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    # Reference from the float32-rounded weights, computed in float64.
    with torch.no_grad():
        for k, v in model.state_dict().items():
            v.copy_(v.to(torch.float32).to(torch.float64))
        last, pooled, states = model(ids, mask, tt)
    out = {
        "input_ids": ids.tolist(), "attention_mask": mask.tolist(), "token_type_ids": tt.tolist(),
        "last_hidden_state": flat(last), "pooled": flat(pooled), "hidden_states": [flat(s) for s in states],
        "shape": list(last.shape),
    }
    with open(os.path.join(HERE, name + "_expected.json"), "w") as f:
        json.dump(out, f)


TINY = {"vocab_size": 100, "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4,
        "intermediate_size": 37, "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1,
        "initializer_range": 0.02, "position_embedding_type": "absolute"}

BERT_BASE_UNCASED = {
    "architectures": ["BertForMaskedLM"], "attention_probs_dropout_prob": 0.1, "gradient_checkpointing": False,
    "hidden_act": "gelu", "hidden_dropout_prob": 0.1, "hidden_size": 768, "initializer_range": 0.02,
    "intermediate_size": 3072, "layer_norm_eps": 1e-12, "max_position_embeddings": 512, "model_type": "bert",
    "num_attention_heads": 12, "num_hidden_layers": 12, "pad_token_id": 0, "position_embedding_type": "absolute",
    "transformers_version": "4.6.0.dev0", "type_vocab_size": 2, "use_cache": True, "vocab_size": 30522}
ROBERTA_BASE = {
    "architectures": ["RobertaForMaskedLM"], "attention_probs_dropout_prob": 0.1, "bos_token_id": 0,
    "eos_token_id": 2, "hidden_act": "gelu", "hidden_dropout_prob": 0.1, "hidden_size": 768,
    "initializer_range": 0.02, "intermediate_size": 3072, "layer_norm_eps": 1e-05, "max_position_embeddings": 514,
    "model_type": "roberta", "num_attention_heads": 12, "num_hidden_layers": 12, "pad_token_id": 1,
    "type_vocab_size": 1, "vocab_size": 50265}


def main():
    bert = dict(TINY, model_type="bert", hidden_act="gelu", max_position_embeddings=16, type_vocab_size=2,
                layer_norm_eps=1e-12, pad_token_id=0)
    # Batch of 3, length 7: full row, padded rows (one with a single real token), two segments.
    ids = torch.tensor([[2, 15, 27, 99, 3, 41, 3], [2, 8, 77, 3, 0, 0, 0], [2, 0, 0, 0, 0, 0, 0]])
    ids[2, 0] = 2
    mask = (ids != 0).long()
    tt = torch.tensor([[0, 0, 0, 0, 0, 1, 1], [0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0]])
    cls_head = {"cls.predictions.bias": torch.zeros(100), "cls.seq_relationship.weight": torch.zeros(2, 32),
                "cls.seq_relationship.bias": torch.zeros(2)}
    make_case("bert_tiny", bert, "bert.", True, cls_head, ids, mask, tt, 7)

    roberta = dict(TINY, model_type="roberta", hidden_act="gelu_new", max_position_embeddings=12, type_vocab_size=1,
                   layer_norm_eps=1e-5, pad_token_id=1)
    rids = torch.tensor([[0, 15, 27, 99, 44, 41, 2], [0, 8, 77, 2, 1, 1, 1], [0, 2, 1, 1, 1, 1, 1]])
    rmask = (rids != 1).long()
    extra = {"lm_head.bias": torch.zeros(100), "roberta.embeddings.position_ids": torch.arange(12).unsqueeze(0)}
    make_case("bert_roberta_tiny", roberta, "roberta.", False, extra, rids, rmask, torch.zeros_like(rids), 11)

    keys = {}
    for name, config, prefix in [("bert-base-uncased", BERT_BASE_UNCASED, "bert."), ("roberta-base", ROBERTA_BASE, "roberta.")]:
        meta = Model(config, device="meta")
        keys[name] = {"config": config, "keys": {prefix + k: list(v.shape) for k, v in meta.state_dict().items()}}
    with open(os.path.join(HERE, "bert_keys.json"), "w") as f:
        json.dump(keys, f, indent=1)


if __name__ == "__main__":
    main()
