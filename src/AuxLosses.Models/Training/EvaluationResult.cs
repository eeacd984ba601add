namespace AuxLosses.Models;

/// <summary>Metrics of one pass over an evaluation source.</summary>
/// <param name="Metrics">Accuracy, per-class and averaged precision/recall/F1 and the confusion matrix (sklearn's definitions).</param>
/// <param name="Loss">Mean unweighted cross-entropy of the logits over all samples.</param>
public sealed record EvaluationResult(ClassificationMetrics Metrics, double Loss)
{
    /// <summary>The value of <paramref name="metric"/> (higher is better).</summary>
    /// <param name="metric">Which metric.</param>
    /// <returns>Weighted F1, macro F1 or accuracy.</returns>
    public double Score(ModelSelectionMetric metric) => metric switch
    {
        ModelSelectionMetric.MacroF1 => Metrics.MacroF1,
        ModelSelectionMetric.Accuracy => Metrics.Accuracy,
        _ => Metrics.WeightedF1,
    };
}
