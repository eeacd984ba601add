namespace AuxLosses;

/// <summary>How <see cref="CommonSpaceLoss"/> combines the hinge terms of one anchor over its contrastive (negative) samples.</summary>
public enum HingeReduction
{
    /// <summary>Σ_k max(0, α − s(anchor, positive) + s(anchor, negative_k)), as in Kiros et al. (2014) and VSE (default).</summary>
    Sum = 0,

    /// <summary>The mean of the hinge terms over the anchor's negatives (0 when it has none); insensitive to batch size.</summary>
    Mean = 1,

    /// <summary>Only the largest hinge term (the hardest negative), as in VSE++ (Faghri et al., 2018) with <c>max_violation</c>.</summary>
    Hardest = 2,
}
