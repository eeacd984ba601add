namespace AuxLosses;

/// <summary>Options of <see cref="CommonSpaceLoss"/>; the defaults give Kiros et al.'s symmetric max-margin ranking loss.</summary>
public sealed class CommonSpaceLossOptions
{
    /// <summary>The margin α, finite and ≥ 0. Default 0.2 (Kiros et al., 2014; VSE++); Duong et al. (2017) state no value that we could find.</summary>
    public double Margin { get; init; } = 0.2;

    /// <summary>How an anchor's hinge terms are combined over its negatives. Default <see cref="HingeReduction.Sum"/>.</summary>
    public HingeReduction Reduction { get; init; } = HingeReduction.Sum;

    /// <summary>Which modality supplies the anchors. Default <see cref="RankingDirection.Both"/>.</summary>
    public RankingDirection Direction { get; init; } = RankingDirection.Both;

    /// <summary>
    /// L2-normalize both inputs so that s is the cosine similarity. Default true. Set false when the encoders
    /// already normalize, or to rank by the raw dot product.
    /// </summary>
    public bool Normalize { get; init; } = true;
}
