#!/usr/bin/env python3
"""ResNet fixtures from torchvision 0.14 (run with /usr/bin/python3; no safetensors package needed).

Outputs (tests/AuxLosses.Models.Tests/Fixtures):
  resnet_keys.json                     state_dict key -> shape (parameters AND buffers, in order) of torchvision's
                                       full resnet18/34/50/101/152 (num_classes=1000), their headless variants,
                                       resnext50_32x4d and wide_resnet50_2
  resnet_tiny_basic.safetensors        weights of a narrow ResNet-18 layout (BasicBlock, [2,2,2,2], stem 8,
                                       widths 4/8/16/32, 10 classes), random BN statistics so eval mode is not
                                       an identity
  resnet_tiny_bottleneck.safetensors   the same for a narrow ResNet-50 layout (Bottleneck, [1,2,2,1], stem 8,
                                       widths 4/8/16/32, 10 classes)
  resnet_tiny_grouped.safetensors      a narrow ResNeXt-style layout (Bottleneck, [1,1,1,1], widths 4/8/16/32,
                                       groups 2, width_per_group 64: inner width 2x planes, grouped 3x3)
  resnet_tiny_*_io.safetensors         the input [2,3,64,64] and torchvision's outputs in eval mode (logits, the
                                       pooled vector, the last feature map) plus one train-mode forward (logits
                                       and the updated bn1 running statistics)

The narrow models reuse torchvision's own BasicBlock, Bottleneck, _make_layer and _forward_impl; only the
constructor is rewritten so the stage widths are parameters (torchvision fixes 64/128/256/512). The script checks
that with the default widths this constructor yields exactly torchvision's state_dict keys and shapes.
"""
import json
import os
import struct

import torch
import torch.nn as nn
import torchvision
from torchvision.models.resnet import BasicBlock, Bottleneck, ResNet

HERE = os.path.dirname(os.path.abspath(__file__))


class NarrowResNet(ResNet):
    """torchvision.models.resnet.ResNet.__init__ with the stem and stage widths as arguments."""

    def __init__(self, block, layers, stem=64, widths=(64, 128, 256, 512), num_classes=1000, groups=1, width_per_group=64):
        nn.Module.__init__(self)
        self._norm_layer = nn.BatchNorm2d
        self.inplanes = stem
        self.dilation = 1
        self.groups = groups
        self.base_width = width_per_group
        self.conv1 = nn.Conv2d(3, self.inplanes, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(self.inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, widths[0], layers[0])
        self.layer2 = self._make_layer(block, widths[1], layers[1], stride=2)
        self.layer3 = self._make_layer(block, widths[2], layers[2], stride=2)
        self.layer4 = self._make_layer(block, widths[3], layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(widths[3] * block.expansion, num_classes)


NAMES = {torch.float32: "F32", torch.int64: "I64"}


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        b = t.detach().contiguous().numpy().tobytes()
        header[name] = {"dtype": NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    header["__metadata__"] = {"format": "pt"}
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def key_shapes(model):
    return [[k, list(v.shape)] for k, v in model.state_dict().items()]


def full_keys():
    out = {}
    specs = {18: (BasicBlock, [2, 2, 2, 2]), 34: (BasicBlock, [3, 4, 6, 3]), 50: (Bottleneck, [3, 4, 6, 3]),
             101: (Bottleneck, [3, 4, 23, 3]), 152: (Bottleneck, [3, 8, 36, 3])}
    for depth, (block, layers) in specs.items():
        tv = getattr(torchvision.models, f"resnet{depth}")()
        keys = key_shapes(tv)
        # The width-parameterised constructor must reproduce torchvision exactly at the default widths.
        assert keys == key_shapes(NarrowResNet(block, layers)), depth
        out[f"resnet{depth}"] = keys
        tv.fc = nn.Identity()  # torchvision's / timm's way to drop the head (timm: reset_classifier(0))
        out[f"resnet{depth}_headless"] = key_shapes(tv)
    # Grouped / widened bottlenecks (same key names, other inner widths): torchvision's own constructors.
    for name, kwargs in {"resnext50_32x4d": dict(groups=32, width_per_group=4), "wide_resnet50_2": dict(width_per_group=128)}.items():
        tv = getattr(torchvision.models, name)()
        keys = key_shapes(tv)
        assert keys == key_shapes(NarrowResNet(Bottleneck, [3, 4, 6, 3], **kwargs)), name
        out[name] = keys
    with open(os.path.join(HERE, "resnet_keys.json"), "w") as f:
        json.dump(out, f, separators=(",", ":"))


def tiny(name, block, layers, widths, seed, **kwargs):
    torch.manual_seed(seed)
    model = NarrowResNet(block, layers, stem=8, widths=widths, num_classes=10, **kwargs)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
                m.running_mean.uniform_(-0.3, 0.3)
                m.running_var.uniform_(0.5, 2.0)
                m.num_batches_tracked.fill_(7)
    state = {k: v.clone() for k, v in model.state_dict().items()}
    write_safetensors(os.path.join(HERE, f"resnet_tiny_{name}.safetensors"), state)

    x = torch.randn(2, 3, 64, 64)
    model.eval()
    with torch.no_grad():
        h = model.maxpool(model.relu(model.bn1(model.conv1(x))))
        fmap = model.layer4(model.layer3(model.layer2(model.layer1(h))))
        pooled = torch.flatten(model.avgpool(fmap), 1)
        logits = model(x)
        assert torch.allclose(logits, model.fc(pooled))
        model.train()
        train_logits = model(x)
    io = {"input": x, "logits": logits, "pooled": pooled, "feature_map": fmap, "train_logits": train_logits,
          "train_bn1_running_mean": model.bn1.running_mean.clone(), "train_bn1_running_var": model.bn1.running_var.clone(),
          "train_bn1_num_batches_tracked": model.bn1.num_batches_tracked.clone()}
    write_safetensors(os.path.join(HERE, f"resnet_tiny_{name}_io.safetensors"), io)
    params = sum(v.numel() for v in state.values())
    print(f"{name}: {params} state values, feature map {tuple(fmap.shape)}")


if __name__ == "__main__":
    full_keys()
    tiny("basic", BasicBlock, [2, 2, 2, 2], (4, 8, 16, 32), seed=18)
    tiny("bottleneck", Bottleneck, [1, 2, 2, 1], (4, 8, 16, 32), seed=50)
    tiny("grouped", Bottleneck, [1, 1, 1, 1], (4, 8, 16, 32), seed=32, groups=2, width_per_group=64)
