"""Writes metrics.json: scikit-learn reference values for AuxLosses.Models.ClassificationMetrics and ClassWeights.

Run with /usr/bin/python3 (python3-sklearn from apt). Every case uses labels=range(C) and zero_division in {0, 1},
so classes absent from both y_true and y_pred are included exactly as ClassificationMetrics does.
"""
import json
import warnings

import numpy as np
import sklearn
from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support
from sklearn.utils.class_weight import compute_class_weight

rng = np.random.RandomState(20261122)


def case(name, y_true, y_pred, c, zero_division=0):
    y_true = np.asarray(y_true, dtype=np.int64)
    y_pred = np.asarray(y_pred, dtype=np.int64)
    labels = list(range(c))
    out = {"name": name, "num_classes": c, "zero_division": zero_division,
           "y_true": y_true.tolist(), "y_pred": y_pred.tolist(),
           "accuracy": float(accuracy_score(y_true, y_pred)),
           "confusion": confusion_matrix(y_true, y_pred, labels=labels).tolist()}
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, average=None, zero_division=zero_division)
    out.update(precision=p.tolist(), recall=r.tolist(), f1=f.tolist(), support=s.tolist())
    for avg in ("macro", "weighted", "micro"):
        p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, labels=labels, average=avg, zero_division=zero_division)
        out[avg] = [float(p), float(r), float(f)]
    # compute_class_weight raises when a class of range(C) is missing from y_true; record that as null.
    try:
        out["balanced_weights"] = compute_class_weight("balanced", classes=np.arange(c), y=y_true).tolist()
    except ValueError:
        out["balanced_weights"] = None
    return out


def random_case(name, n, c, zero_division=0, true_classes=None, pred_classes=None):
    true_classes = c if true_classes is None else true_classes
    pred_classes = c if pred_classes is None else pred_classes
    y_true = rng.randint(0, true_classes, size=n)
    # Mostly correct predictions so per-class scores are informative, with some noise.
    y_pred = np.where(rng.rand(n) < 0.6, np.minimum(y_true, pred_classes - 1), rng.randint(0, pred_classes, size=n))
    return case(name, y_true, y_pred, c, zero_division)


# zero_division is given explicitly, so sklearn must not warn; make any warning fail the script.
warnings.simplefilter("error")
cases = [
    random_case("random_c3_n20", 20, 3),
    random_case("random_c5_n50", 50, 5),
    random_case("random_c10_n97", 97, 10),
    random_case("random_c2_n13", 13, 2),
    random_case("absent_from_both_c6", 40, 6, true_classes=4, pred_classes=4),
    random_case("absent_in_pred_c4", 30, 4, pred_classes=2),
    random_case("absent_in_true_c4", 30, 4, true_classes=3),
    case("all_pred_one_class_c4", rng.randint(0, 4, size=25), np.full(25, 2), 4),
    case("all_one_class_both_c3", np.full(7, 1), np.full(7, 1), 3),
    case("single_sample_c5", [3], [1], 5),
    random_case("zd1_absent_c6", 40, 6, zero_division=1, true_classes=4, pred_classes=5),
    case("zd1_all_pred_one_class_c3", rng.randint(0, 3, size=12), np.zeros(12, dtype=np.int64), 3, zero_division=1),
    random_case("imbalanced_c4_n60", 60, 4),
]
# An imbalanced label set for the weights: class k appears (k+1)^2 times.
imb = np.concatenate([np.full((k + 1) ** 2, k) for k in range(4)])
rng.shuffle(imb)
cases[-1] = case("imbalanced_c4_n30", imb, np.where(rng.rand(len(imb)) < 0.7, imb, rng.randint(0, 4, size=len(imb))), 4)

with open("metrics.json", "w") as fh:
    json.dump({"sklearn": sklearn.__version__, "cases": cases}, fh, indent=1)
print(f"wrote metrics.json with {len(cases)} cases (sklearn {sklearn.__version__})")
