"""Reference fixtures for the supervised contrastive losses and the SPP-SCL objective (supervised.json).

Ports, behaviour for behaviour:
  * HobbitLong/SupContrast losses.py SupConLoss (features [bsz, n_views, D], contrast_mode 'all'/'one',
    loss scaled by temperature / base_temperature, anchors without positives averaged in as 0).
  * TomorrowJW/SPP-SCL loss.py CLoss (intra-modal) and CLoss_T_I (inter-modal), and the two-step loop of
    train.py (5 * CE + L_txt + L_img, optimizer step; fresh forward; sigmoid condition; L_inter step).
Run with Debian's python3-torch:  /usr/bin/python3 generate_supervised.py
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from fixture_io import write

torch.manual_seed(20240607)
DT = torch.float64


# ---------------------------------------------------------------- SupContrast (losses.py, verbatim arithmetic)
def supcon(features, labels, temperature=0.07, contrast_mode="all", base_temperature=0.07):
    device = features.device
    batch_size = features.shape[0]
    labels = labels.contiguous().view(-1, 1)
    mask = torch.eq(labels, labels.T).to(features.dtype).to(device)
    contrast_count = features.shape[1]
    contrast_feature = torch.cat(torch.unbind(features, dim=1), dim=0)
    if contrast_mode == "one":
        anchor_feature = features[:, 0]
        anchor_count = 1
    else:
        anchor_feature = contrast_feature
        anchor_count = contrast_count
    anchor_dot_contrast = torch.div(torch.matmul(anchor_feature, contrast_feature.T), temperature)
    logits_max, _ = torch.max(anchor_dot_contrast, dim=1, keepdim=True)
    logits = anchor_dot_contrast - logits_max.detach()
    mask = mask.repeat(anchor_count, contrast_count)
    logits_mask = torch.scatter(torch.ones_like(mask), 1,
                                torch.arange(batch_size * anchor_count).view(-1, 1).to(device), 0)
    mask = mask * logits_mask
    exp_logits = torch.exp(logits) * logits_mask
    log_prob = logits - torch.log(exp_logits.sum(1, keepdim=True))
    mask_pos_pairs = mask.sum(1)
    mask_pos_pairs = torch.where(mask_pos_pairs < 1e-6, 1, mask_pos_pairs)
    mean_log_prob_pos = (mask * log_prob).sum(1) / mask_pos_pairs
    loss = -(temperature / base_temperature) * mean_log_prob_pos
    per_anchor = loss.view(anchor_count, batch_size)
    has_pos = (mask.sum(1) > 0).view(anchor_count, batch_size)
    return per_anchor.mean(), per_anchor, has_pos


# ---------------------------------------------------------------- SPP-SCL loss.py (verbatim arithmetic)
def spp_closs(output, label, temperature):
    batch_size = label.size()[0]
    label = label.unsqueeze(-1)
    with torch.no_grad():
        mask = torch.eq(label, label.transpose(0, 1))
        mask = mask.to(output.dtype).to(output.device)
        diag_mask = torch.scatter(torch.ones(batch_size, batch_size, dtype=output.dtype), 1,
                                  torch.arange(batch_size).view(-1, 1), 0).to(output.device)
        mask = mask * diag_mask
    output = F.normalize(output, p=2, dim=-1)
    dot = torch.matmul(output, output.transpose(0, 1))
    logits = torch.div(dot, temperature)
    logits = logits * diag_mask
    logits_max, _ = torch.max(logits, dim=1, keepdim=True)
    logits = logits - logits_max.detach()
    exp_logits = torch.exp(logits)
    logits = logits * mask
    log_prob = logits - torch.log(exp_logits.sum(dim=1, keepdim=True) + 1e-12)
    mask_sum = mask.sum(dim=1)
    mask_sum = torch.where(mask_sum == 0, torch.ones_like(mask_sum), mask_sum)
    pos_logits = (mask * log_prob).sum(dim=1) / mask_sum.detach()
    loss = pos_logits.mean()
    return -loss


def spp_closs_t_i(image_feature, text_feature, label, temperature):
    batch_size = label.size()[0]
    label = label.unsqueeze(-1)
    with torch.no_grad():
        mask = torch.eq(label, label.transpose(0, 1))
        mask = mask.to(image_feature.dtype).to(image_feature.device)
    image_feature = F.normalize(image_feature, p=2, dim=-1)
    text_feature = F.normalize(text_feature, p=2, dim=-1)
    dot = torch.matmul(image_feature, text_feature.transpose(0, 1))
    logits_all = torch.div(dot, temperature)
    logits_max, _ = torch.max(logits_all, dim=1, keepdim=True)
    logits_all = logits_all - logits_max.detach()
    exp_logits = torch.exp(logits_all)
    logits_p = logits_all * mask
    log_prob = logits_p - torch.log(exp_logits.sum(dim=1, keepdim=True) + 1e-12)
    mask_sum = mask.sum(dim=1)
    mask_sum = torch.where(mask_sum == 0, torch.ones_like(mask_sum), mask_sum)
    pos_logits = (mask * log_prob).sum(dim=1) / mask_sum.detach()
    loss = pos_logits.mean()
    return -loss


def spp_condition(T_Align_post, I_Align_post, labels, batch):
    """train.py: sigmoid similarity, mean diagonal, count below it, same-label pairs, int(P * 2/3)."""
    similarity = torch.sigmoid(torch.matmul(T_Align_post, I_Align_post.T))
    dig = similarity.diag().sum() / batch
    count = (similarity < dig).float().sum().item()
    mask = torch.eq(labels.unsqueeze(-1), labels.unsqueeze(-1).transpose(0, 1))
    mask = mask.float().sum()
    threshold = int((mask.item()) * (2 / 3))
    return count, mask.item(), threshold, count >= threshold


cases = []


def leaf(*shape, scale=1.0):
    return (torch.randn(*shape, dtype=DT) * scale).requires_grad_(True)


# SupContrast with n_views = 2 (every anchor has its other view as a positive). Inputs are raw; the loss under
# test normalizes them, so the reference normalizes before SupConLoss (as SupContrast's model head does).
for name, mode, temp, base, labels in [
    ("supcon_all_v2", "all", 0.07, 0.07, [0, 1, 0, 2, 1, 3]),
    ("supcon_one_v2", "one", 0.1, 0.07, [0, 1, 0, 2, 1, 3]),
    ("supcon_all_v3_t05", "all", 0.5, 0.07, [1, 1, 0, 2]),
]:
    x = leaf(len(labels), 3 if name.endswith("t05") else 2, 4)
    y = torch.tensor(labels)
    loss, _, has_pos = supcon(F.normalize(x, dim=-1), y, temp, mode, base)
    assert bool(has_pos.all())
    loss.backward()
    cases.append({"name": name, "features": x, "labels": y, "temperature": temp, "base_temperature": base,
                  "mode": mode, "loss": loss, "grad": x.grad})

# One view, every class has at least two members: SupContrast and the Khosla form agree exactly.
x = leaf(8, 5)
y = torch.tensor([0, 1, 2, 0, 1, 2, 2, 0])
loss, _, _ = supcon(F.normalize(x, dim=-1).unsqueeze(1), y)
loss.backward()
cases.append({"name": "supcon_v1", "features": x, "labels": y, "loss": loss, "grad": x.grad})

# Singleton classes: SupContrast averages those anchors in as 0; the Khosla form excludes them. The
# excluded mean is derived here from SupContrast's own per-anchor losses.
x = leaf(7, 3)
y = torch.tensor([0, 1, 0, 2, 1, 3, 0])
loss_sc, per_anchor, has_pos = supcon(F.normalize(x, dim=-1).unsqueeze(1), y)
khosla = per_anchor[has_pos].mean()
khosla.backward()
cases.append({"name": "supcon_lonely", "features": x, "labels": y, "supcontrast_loss": loss_sc,
              "loss": khosla, "grad": x.grad})

# SPP-SCL CLoss: singleton classes (averaged in as 0), generic and an all-negative-similarity case in which
# the row maximum is the zeroed diagonal.
for name, feats, labels in [
    ("spp_intra", leaf(8, 6, scale=3.0), [0, 1, 0, 2, 1, 3, 0, 2]),
    ("spp_intra_negative", torch.tensor([[1.0, 0.0], [-0.5, 0.8660254037844386], [-0.5, -0.8660254037844386]],
                                        dtype=DT).mul(2.0).requires_grad_(True), [0, 0, 1]),
]:
    y = torch.tensor(labels)
    loss = spp_closs(feats, y, 0.07)
    loss.backward()
    cases.append({"name": name, "features": feats, "labels": y, "loss": loss, "grad": feats.grad})

# SPP-SCL CLoss_T_I: called in train.py as T_I_Clos(T_Align_post, I_Align_post, labels): text anchors.
t = leaf(8, 6, scale=2.0)
i = leaf(8, 6, scale=2.0)
y = torch.tensor([0, 1, 0, 2, 1, 3, 0, 2])
loss = spp_closs_t_i(t, i, y, 0.07)
loss.backward()
cases.append({"name": "spp_inter", "anchors": t, "candidates": i, "labels": y, "loss": loss,
              "grad_anchors": t.grad, "grad_candidates": i.grad})

# Khosla cross-modal (positives include the paired sample; log-softmax over all candidates), symmetric too.
t = leaf(6, 4)
i = leaf(6, 4)
y = torch.tensor([0, 1, 0, 2, 1, 0])


def khosla_cross(a, c, y, tau, base):
    logits = F.normalize(a, dim=-1) @ F.normalize(c, dim=-1).T / tau
    log_prob = logits.log_softmax(dim=1)
    pos = (y[:, None] == y[None, :]).to(a.dtype)
    return -(tau / base) * ((pos * log_prob).sum(1) / pos.sum(1)).mean()


loss = khosla_cross(t, i, y, 0.1, 0.07)
sym = 0.5 * (khosla_cross(t, i, y, 0.1, 0.07) + khosla_cross(i, t, y, 0.1, 0.07))
g_t, g_i = torch.autograd.grad(sym, [t, i])
loss.backward()
cases.append({"name": "khosla_inter", "anchors": t, "candidates": i, "labels": y, "temperature": 0.1,
              "base_temperature": 0.07, "loss": loss, "grad_anchors": t.grad, "grad_candidates": i.grad,
              "symmetric_loss": sym, "symmetric_grad_anchors": g_t, "symmetric_grad_candidates": g_i})

# The alignment condition on raw features (float32, as train.py runs it).
for k, (b, labels) in enumerate([(6, [0, 1, 0, 2, 1, 0]), (8, [0, 0, 0, 0, 1, 1, 1, 1]), (5, [0, 1, 2, 3, 4]),
                                 (7, [2, 2, 2, 2, 2, 2, 2])]):
    for scale in (0.3, 1.5):
        tt = torch.randn(b, 4) * scale
        ii = torch.randn(b, 4) * scale + (0.8 * tt if k % 2 == 0 else 0)
        y = torch.tensor(labels)
        count, pairs, threshold, skip = spp_condition(tt, ii, y, b)
        cases.append({"name": f"condition_{k}_{scale}", "text": tt, "image": ii, "labels": y,
                      "count": count, "pairs": pairs, "threshold": threshold, "skip": skip})

# int(P * 2/3) truncation table (P = number of same-label pairs).
cases.append({"name": "threshold_table", "pairs": torch.arange(1, 200),
              "threshold": torch.tensor([int(float(p) * (2 / 3)) for p in range(1, 200)])})


# ---------------------------------------------------------------- two-step loop on a tiny model (train.py)
class Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.image = nn.Linear(4, 3)
        self.text = nn.Linear(5, 3)
        self.classifier = nn.Linear(6, 3)

    def forward(self, x_img, x_txt):
        i_align = self.image(x_img)
        t_align = self.text(x_txt)
        return self.classifier(torch.cat([i_align, t_align], dim=1)), t_align, i_align


def two_step(seed):
    torch.manual_seed(seed)
    model = Tiny().to(DT)
    init = {k: v.detach().clone() for k, v in model.state_dict().items()}
    x_img = torch.randn(6, 4, dtype=DT)
    x_txt = torch.randn(6, 5, dtype=DT)
    labels = torch.tensor([0, 1, 2, 0, 1, 0])
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    ce = nn.CrossEntropyLoss()

    optimizer.zero_grad()
    output, T_Align, I_Align = model(x_img, x_txt)
    loss_ce = 5 * ce(output, labels)
    loss_cl_t = spp_closs(T_Align, labels, 0.07)
    loss_cl_i = spp_closs(I_Align, labels, 0.07)
    loss1 = loss_ce + loss_cl_t + loss_cl_i
    loss1.backward()
    optimizer.step()
    after1 = {k: v.detach().clone() for k, v in model.state_dict().items()}

    output_post, T_Align_post, I_Align_post = model(x_img, x_txt)
    count, pairs, threshold, skip = spp_condition(T_Align_post, I_Align_post, labels, output_post.size(0))
    loss_cm = 0.0
    if not skip:
        loss_cm = spp_closs_t_i(T_Align_post, I_Align_post, labels, 0.07)
        optimizer.zero_grad()
        loss_cm.backward()
        optimizer.step()
        loss_cm = loss_cm.item()
    final = {k: v.detach().clone() for k, v in model.state_dict().items()}
    case = {"x_img": x_img, "x_txt": x_txt, "labels": labels, "loss1": loss1, "ce": loss_ce,
            "l_txt": loss_cl_t, "l_img": loss_cl_i, "count": count, "pairs": pairs, "threshold": threshold,
            "skip": skip, "l_inter": loss_cm}
    for prefix, d in (("init", init), ("after1", after1), ("final", final)):
        for k, v in d.items():
            case[f"{prefix}.{k}"] = v
    return case


found = {}
for seed in range(200):
    c = two_step(seed)
    key = "two_step_skip" if c["skip"] else "two_step_run"
    if key not in found:
        c["name"] = key
        c["seed"] = seed
        found[key] = c
    if len(found) == 2:
        break
assert len(found) == 2, found.keys()
cases.extend(found.values())

write("supervised.json", cases,
      "HobbitLong/SupContrast losses.py SupConLoss; TomorrowJW/SPP-SCL loss.py CLoss, CLoss_T_I and train.py two-step loop")
