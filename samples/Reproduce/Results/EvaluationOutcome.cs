using System.Collections.Generic;
using AuxLosses.Models;

namespace AuxLosses.Reproduce.Results;

/// <summary>Metrics, the repo's eval loss and the per-post predictions of one pass over a split.</summary>
internal sealed record EvaluationOutcome(ClassificationMetrics Metrics, double Loss, IReadOnlyList<(string Id, int Label, int Prediction)> Predictions);
