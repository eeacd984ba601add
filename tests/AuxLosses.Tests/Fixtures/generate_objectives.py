"""Reference fixtures for CommonSpaceLoss and AlignmentDiagnostics (tests/AuxLosses.Tests/{CommonSpace,Diagnostics}).

CommonSpaceLoss: a port of the VSE/VSE++ ContrastiveLoss (Faghri et al. 2018, github.com/fartashf/vsepp model.py),
the batch form of Kiros et al. (2014)'s ranking loss. VSE++ sums over the batch; AuxLosses averages over anchors,
so the reference is divided by B. Extensions written the same way: class-aware negatives (same-label entries masked
like the diagonal), mean over negatives, one direction only.

AlignmentDiagnostics: IID / TTD / ITD by explicit Python loops over same-label pairs (no cdist), so the C# code is
compared with an independent computation.

Run: cd tests/AuxLosses.Tests/Fixtures && python3 generate_objectives.py
"""
import torch
import torch.nn.functional as F

import fixture_io


def vsepp_contrastive(im, s, margin, max_violation, labels=None, reduction="sum", directions=("i2t", "t2i")):
    im = F.normalize(im, dim=1)
    s = F.normalize(s, dim=1)
    scores = im @ s.t()
    diagonal = scores.diag().view(im.size(0), 1)
    d1 = diagonal.expand_as(scores)
    d2 = diagonal.t().expand_as(scores)
    # caption retrieval: image i (row) against every caption k
    cost_s = (margin + scores - d1).clamp(min=0)
    # image retrieval: caption j (column) against every image k
    cost_im = (margin + scores - d2).clamp(min=0)
    mask = torch.eye(scores.size(0)) > 0.5
    if labels is not None:
        mask = mask | (labels.view(-1, 1) == labels.view(1, -1))
    cost_s = cost_s.masked_fill(mask, 0)
    cost_im = cost_im.masked_fill(mask, 0)
    negatives = (~mask).sum(1).clamp(min=1).to(scores.dtype)  # symmetric mask: rows and columns alike
    if max_violation:
        cost_s = cost_s.max(1)[0]
        cost_im = cost_im.max(0)[0]
    elif reduction == "mean":
        cost_s = cost_s.sum(1) / negatives
        cost_im = cost_im.sum(0) / negatives
    total = 0
    if "i2t" in directions:
        total = total + cost_s.sum()
    if "t2i" in directions:
        total = total + cost_im.sum()
    return total / im.size(0)


def common_space_case(name, generator, b, d, margin=0.2, max_violation=False, classes=None, reduction="sum", direction="Both"):
    image = torch.randn(b, d, generator=generator, dtype=torch.float64, requires_grad=True)
    text = torch.randn(b, d, generator=generator, dtype=torch.float64, requires_grad=True)
    labels = torch.randint(0, classes, (b,), generator=generator) if classes else None
    directions = {"Both": ("i2t", "t2i"), "ImageToText": ("i2t",), "TextToImage": ("t2i",)}[direction]
    loss = vsepp_contrastive(image, text, margin, max_violation, labels, reduction, directions)
    loss.backward()
    case = {
        "name": name, "image": image, "text": text, "margin": margin,
        "reduction": "Hardest" if max_violation else ("Mean" if reduction == "mean" else "Sum"),
        "direction": direction, "loss": loss, "grad_image": image.grad, "grad_text": text.grad,
    }
    if labels is not None:
        case["labels"] = labels
    return case


def alignment_case(name, generator, b, d, classes, normalize):
    image = torch.randn(b, d, generator=generator, dtype=torch.float64) * 2
    text = torch.randn(b, d, generator=generator, dtype=torch.float64) + 0.5
    labels = torch.randint(0, classes, (b,), generator=generator)
    x = F.normalize(image, dim=1) if normalize else image
    t = F.normalize(text, dim=1) if normalize else text
    iid, ttd, itd = [], [], []
    for i in range(b):
        for j in range(b):
            if labels[i] != labels[j]:
                continue
            itd.append(torch.linalg.norm(x[i] - t[j]).item())
            if i < j:
                iid.append(torch.linalg.norm(x[i] - x[j]).item())
                ttd.append(torch.linalg.norm(t[i] - t[j]).item())
    mean = lambda v: sum(v) / len(v) if v else float("nan")
    return {
        "name": name, "image": image, "text": text, "labels": labels, "normalize": normalize,
        "iid": mean(iid), "ttd": mean(ttd), "itd": mean(itd),
        "intra_pairs": len(iid), "cross_pairs": len(itd),
    }


def main():
    g = torch.Generator().manual_seed(20240317)
    cases = [
        common_space_case("vse_sum", g, 6, 5),
        common_space_case("vse_hardest", g, 6, 5, max_violation=True),
        common_space_case("vse_sum_margin05", g, 5, 3, margin=0.5),
        common_space_case("class_aware_sum", g, 8, 4, classes=3),
        common_space_case("class_aware_hardest", g, 8, 4, classes=3, max_violation=True),
        common_space_case("class_aware_mean", g, 8, 4, classes=3, reduction="mean"),
        common_space_case("mean", g, 7, 4, reduction="mean"),
        common_space_case("image_to_text_class_aware", g, 8, 4, classes=2, direction="ImageToText"),
        common_space_case("text_to_image", g, 6, 4, direction="TextToImage"),
        alignment_case("alignment_raw", g, 12, 6, 3, False),
        alignment_case("alignment_normalized", g, 12, 6, 4, True),
    ]
    fixture_io.write("objectives.json", cases, "generate_objectives.py: VSE++ ContrastiveLoss port (/B) and loop-based IID/TTD/ITD")


if __name__ == "__main__":
    main()
