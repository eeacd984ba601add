namespace AuxLosses.Models;

/// <summary>The validation metric that picks the best epoch and drives early stopping (higher is better).</summary>
public enum ModelSelectionMetric
{
    /// <summary>Support-weighted F1 (sklearn <c>f1_score(average="weighted")</c>), the seed papers' main metric.</summary>
    WeightedF1,

    /// <summary>Unweighted mean F1 over classes (sklearn <c>f1_score(average="macro")</c>).</summary>
    MacroF1,

    /// <summary>Accuracy.</summary>
    Accuracy,
}
