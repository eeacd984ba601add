namespace AuxLosses;

/// <summary>The alignment distances of one class; see <see cref="AlignmentDiagnostics"/>.</summary>
public sealed record AlignmentClassReport
{
    /// <summary>The class label.</summary>
    public required long Label { get; init; }

    /// <summary>Number of samples with this label (n).</summary>
    public required long SampleCount { get; init; }

    /// <summary>Mean image-image distance over the n(n−1)/2 pairs i ≠ j; NaN when n = 1 (no pair).</summary>
    public required double Iid { get; init; }

    /// <summary>Mean text-text distance over the n(n−1)/2 pairs i ≠ j; NaN when n = 1 (no pair).</summary>
    public required double Ttd { get; init; }

    /// <summary>Mean image-text distance over the n² (image i, text j) pairs, paired samples i = j included.</summary>
    public required double Itd { get; init; }
}
