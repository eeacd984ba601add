"""Reference values for AuxLosses image-text matching (tests/AuxLosses.Tests/Matching).

Ports, with the random draws fixed so that C# can reproduce them:
  * Sanchez Villegas et al. (EACL Findings 2024), danaesavi/SocialMedia-TextImage-Classification-AuxLosses,
    models/mm_late.py: concat fusion relu(linear_fusion(cat(x_t, x_v))) -> linear_tim -> nn.CrossEntropyLoss()
    on the text-swapped batch of prepare_itm_inputs (swap pattern fixed here).
  * ALBEF models/model_pretrain.py: pair layout [pos | (neg image, text) | (image, neg text)], itm_head Linear(H, 2),
    F.cross_entropy over 3B pairs; hard-negative weights softmax(sim) with the diagonal zeroed (torch.multinomial
    normalizes rows), plus BLIP's same-id masking (masked_fill of equal labels).
Run: python3 generate_matching.py
"""
import torch
import torch.nn.functional as F

from fixture_io import write

torch.manual_seed(7)
dt = torch.float64
cases = []

# --- paper late fusion with a fixed swap pattern -------------------------------------------------------------------
B, Dv, Dt, H = 4, 3, 5, 6
image = torch.randn(B, Dv, dtype=dt, requires_grad=True)
text = torch.randn(B, Dt, dtype=dt, requires_grad=True)
fusion_w = (0.5 * torch.randn(H, Dt + Dv, dtype=dt)).requires_grad_()
fusion_b = (0.1 * torch.randn(H, dtype=dt)).requires_grad_()
head_w = (0.5 * torch.randn(2, H, dtype=dt)).requires_grad_()
head_b = (0.1 * torch.randn(2, dtype=dt)).requires_grad_()
text_index = torch.tensor([0, 2, 2, 1])        # rows 1 and 3 swapped (label 0), rows 0 and 2 kept (label 1)
labels = torch.tensor([1, 0, 1, 0])
x_t, x_v = text[text_index], image                  # the paper re-encodes tim_ids with the original pixel_values
fused = torch.relu(F.linear(torch.cat((x_t, x_v), dim=1), fusion_w, fusion_b))
logits = F.linear(fused, head_w, head_b)            # linear_tim
loss = torch.nn.CrossEntropyLoss()(logits, labels)
loss.backward()
cases.append({"name": "paper_late_fusion", "image": image, "text": text, "fusion_weight": fusion_w, "fusion_bias": fusion_b,
              "head_weight": head_w, "head_bias": head_b, "text_index": text_index, "match_labels": labels,
              "logits": logits, "loss": loss.item(),
              "grad_image": image.grad, "grad_text": text.grad, "grad_head_weight": head_w.grad, "grad_head_bias": head_b.grad,
              "grad_fusion_weight": fusion_w.grad})

# --- ALBEF layout and loss with fixed negatives ---------------------------------------------------------------------
B, H = 3, 4
image_embeds = torch.randn(B, H, dtype=dt, requires_grad=True)
text_embeds = torch.randn(B, H, dtype=dt, requires_grad=True)
itm_w = (0.5 * torch.randn(2, H, dtype=dt)).requires_grad_()
itm_b = (0.1 * torch.randn(2, dtype=dt)).requires_grad_()
neg_image_for_text = torch.tensor([2, 0, 1])   # what torch.multinomial(weights_t2i[b], 1) returned, per text b
neg_text_for_image = torch.tensor([1, 2, 0])   # what torch.multinomial(weights_i2t[b], 1) returned, per image b
def fuse(img, txt):                             # stand-in for ALBEF's cross-attention fusion encoder
    return torch.tanh(img * txt + 0.5 * img - 0.25 * txt)
output_pos = fuse(image_embeds, text_embeds)
image_embeds_all = torch.cat([image_embeds[neg_image_for_text], image_embeds], dim=0)
text_embeds_all = torch.cat([text_embeds, text_embeds[neg_text_for_image]], dim=0)
output_neg = fuse(image_embeds_all, text_embeds_all)
vl_output = F.linear(torch.cat([output_pos, output_neg], dim=0), itm_w, itm_b)
itm_labels = torch.cat([torch.ones(B, dtype=torch.long), torch.zeros(2 * B, dtype=torch.long)])
loss_itm = F.cross_entropy(vl_output, itm_labels)
loss_itm.backward()
cases.append({"name": "albef_layout", "image": image_embeds, "text": text_embeds, "head_weight": itm_w, "head_bias": itm_b,
              "neg_image_for_text": neg_image_for_text, "neg_text_for_image": neg_text_for_image,
              "match_labels": itm_labels, "logits": vl_output, "loss": loss_itm.item(),
              "grad_image": image_embeds.grad, "grad_text": text_embeds.grad, "grad_head_weight": itm_w.grad, "grad_head_bias": itm_b.grad})

# --- ALBEF hard-negative sampling probabilities ---------------------------------------------------------------------
B = 5
sim = 2.0 * torch.randn(B, B, dtype=dt)
class_labels = torch.tensor([0, 1, 0, 2, 1])
with torch.no_grad():
    weights_i2t = F.softmax(sim, dim=1)
    weights_t2i = F.softmax(sim.t(), dim=1)
    weights_i2t.fill_diagonal_(0)
    weights_t2i.fill_diagonal_(0)
    p_i2t = weights_i2t / weights_i2t.sum(1, keepdim=True)     # torch.multinomial normalizes each row
    p_t2i = weights_t2i / weights_t2i.sum(1, keepdim=True)
    same = class_labels.unsqueeze(1) == class_labels.unsqueeze(0)  # BLIP: weights.masked_fill_(same id, 0)
    q_i2t = weights_i2t.masked_fill(same, 0)
    q_t2i = weights_t2i.masked_fill(same, 0)
    q_i2t = q_i2t / q_i2t.sum(1, keepdim=True)
    q_t2i = q_t2i / q_t2i.sum(1, keepdim=True)
cases.append({"name": "albef_hard_weights", "similarity": sim, "labels": class_labels,
              "prob_i2t": p_i2t, "prob_t2i": p_t2i, "prob_i2t_label_excluded": q_i2t, "prob_t2i_label_excluded": q_t2i})

write("matching.json", cases, "generate_matching.py: paper mm_late.py ITM (linear_tim + CrossEntropyLoss) and ALBEF model_pretrain.py ITM")
