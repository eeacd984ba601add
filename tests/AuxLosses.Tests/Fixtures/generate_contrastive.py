"""Reference fixtures for tests/AuxLosses.Tests/Contrastive (ImageTextContrastiveLoss, SigmoidContrastiveLoss).

Ports, on one device and in float64:
  * open_clip ClipLoss (src/open_clip/loss.py): (CE(logits_per_image, arange) + CE(logits_per_text, arange)) / 2,
    generalised to weights w_i2t / w_t2i and torch's cross_entropy(label_smoothing=...);
  * BLIP's idx soft targets (models/blip_retrieval.py): pos_idx = eq(idx, idx.T); sim_targets = pos_idx / pos_idx.sum(1);
    loss = -sum(log_softmax(sim) * sim_targets, 1).mean() for i2t and t2i (smoothing via torch CE on prob targets);
  * open_clip SigLipLoss: -logsigmoid(labels * logits).sum() / B, labels = 2*eye - 1 (or 2*same_label - 1);
with the logit scale exp(t) clamped at max_scale in forward (the AuxLosses semantics) and features L2-normalised by
F.normalize when normalize is true. Each case stores inputs, the loss and its gradients w.r.t. image, text, t (and b).

Run (Debian python3-torch 1.13):  /usr/bin/python3 generate_contrastive.py
"""
import math

import torch
import torch.nn.functional as F

from fixture_io import write

torch.manual_seed(1234)
f32 = lambda v: float(torch.tensor(v, dtype=torch.float32))  # parameters are float32 in AuxLosses


def clip_loss(image, text, t, max_scale, normalize, smoothing, w_i2t, w_t2i, labels=None):
    if normalize:
        image, text = F.normalize(image, dim=-1), F.normalize(text, dim=-1)
    scale = t.exp().clamp(max=max_scale)
    logits_per_image = scale * image @ text.T
    logits_per_text = scale * text @ image.T
    if labels is None:
        target = torch.arange(image.shape[0])  # open_clip get_ground_truth
    else:
        idx = labels.view(-1, 1)
        pos_idx = torch.eq(idx, idx.T).double()  # BLIP
        target = pos_idx / pos_idx.sum(1, keepdim=True)
    return (w_i2t * F.cross_entropy(logits_per_image, target, label_smoothing=smoothing)
            + w_t2i * F.cross_entropy(logits_per_text, target, label_smoothing=smoothing))


def blip_idx_loss(image, text, t, labels):
    """BLIP's own formula (no smoothing), to cross-check clip_loss with soft targets."""
    image, text = F.normalize(image, dim=-1), F.normalize(text, dim=-1)
    scale = t.exp()
    sim_i2t, sim_t2i = scale * image @ text.T, scale * text @ image.T
    idx = labels.view(-1, 1)
    pos_idx = torch.eq(idx, idx.T).double()
    sim_targets = pos_idx / pos_idx.sum(1, keepdim=True)
    loss_i2t = -torch.sum(F.log_softmax(sim_i2t, dim=1) * sim_targets, dim=1).mean()
    loss_t2i = -torch.sum(F.log_softmax(sim_t2i, dim=1) * sim_targets, dim=1).mean()
    return (loss_i2t + loss_t2i) / 2


def siglip_loss(image, text, t, b, max_scale, normalize, labels=None):
    if normalize:
        image, text = F.normalize(image, dim=-1), F.normalize(text, dim=-1)
    logits = t.exp().clamp(max=max_scale) * image @ text.T + b
    n = image.shape[0]
    if labels is None:
        z = 2 * torch.eye(n, dtype=logits.dtype) - torch.ones((n, n), dtype=logits.dtype)  # open_clip get_ground_truth
    else:
        z = 2 * torch.eq(labels.view(-1, 1), labels.view(1, -1)).double() - 1
    return -F.logsigmoid(z * logits).sum() / n


def leaves(b, d, t, bias=None):
    image = torch.randn(b, d, dtype=torch.float64, requires_grad=True)
    text = torch.randn(b, d, dtype=torch.float64, requires_grad=True)
    tt = torch.tensor(f32(t), dtype=torch.float64, requires_grad=True)
    bb = None if bias is None else torch.tensor(f32(bias), dtype=torch.float64, requires_grad=True)
    return image, text, tt, bb


def clip_case(name, b, d, t=math.log(1 / 0.07), max_scale=100.0, normalize=True, smoothing=0.0, w=(0.5, 0.5), labels=None):
    image, text, tt, _ = leaves(b, d, t)
    loss = clip_loss(image, text, tt, max_scale, normalize, smoothing, w[0], w[1], labels)
    loss.backward()
    case = {"name": name, "image": image, "text": text, "t": tt.item(), "max_scale": max_scale,
            "normalize": normalize, "smoothing": smoothing, "w_i2t": w[0], "w_t2i": w[1],
            "loss": loss.item(), "grad_image": image.grad, "grad_text": text.grad, "grad_t": tt.grad.item()}
    if labels is not None:
        case["labels"] = labels
    return case


def siglip_case(name, b, d, t=math.log(10), bias=-10.0, max_scale=100.0, normalize=True, labels=None):
    image, text, tt, bb = leaves(b, d, t, bias)
    loss = siglip_loss(image, text, tt, bb, max_scale, normalize, labels)
    loss.backward()
    case = {"name": name, "image": image, "text": text, "t": tt.item(), "b": bb.item(), "max_scale": max_scale,
            "normalize": normalize, "loss": loss.item(), "grad_image": image.grad, "grad_text": text.grad,
            "grad_t": tt.grad.item(), "grad_b": bb.grad.item()}
    if labels is not None:
        case["labels"] = labels
    return case


labels9 = torch.tensor([0, 2, 1, 2, 0, 3, 2, 1, 4])
cases = [
    clip_case("clip_default", 6, 5),
    clip_case("clip_scale_2_5", 7, 4, t=math.log(2.5)),
    clip_case("clip_smoothing", 6, 5, t=math.log(3.0), smoothing=0.1),
    clip_case("clip_weights_raw", 5, 3, t=math.log(0.5), normalize=False, w=(0.3, 0.7)),
    clip_case("clip_clamped", 4, 3, t=math.log(200.0), max_scale=20.0),
    clip_case("clip_labels", 9, 4, t=math.log(4.0), labels=labels9),
    clip_case("clip_labels_smoothing", 9, 4, t=math.log(4.0), smoothing=0.2, w=(0.6, 0.4), labels=labels9),
    siglip_case("siglip_default", 6, 5),
    siglip_case("siglip_scale_bias", 7, 4, t=math.log(3.0), bias=-1.5),
    siglip_case("siglip_raw_clamped", 5, 3, t=math.log(50.0), bias=0.5, max_scale=2.0, normalize=False),
    siglip_case("siglip_labels", 9, 4, t=math.log(4.0), bias=-2.0, labels=labels9),
]

# The soft-target CE must be BLIP's formula exactly (guards the port above).
c = next(x for x in cases if x["name"] == "clip_labels")
blip = blip_idx_loss(c["image"].detach(), c["text"].detach(), torch.tensor(c["t"], dtype=torch.float64), c["labels"])
assert abs(blip.item() - c["loss"]) < 1e-12, (blip.item(), c["loss"])

write("contrastive.json", cases, "open_clip ClipLoss / SigLipLoss and BLIP idx soft targets, ported in generate_contrastive.py")
