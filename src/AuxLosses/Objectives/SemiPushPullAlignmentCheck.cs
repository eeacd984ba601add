namespace AuxLosses;

/// <summary>
/// Outcome of SPP-SCL's alignment condition (<see cref="SemiPushPullObjective.CheckAlignment"/>).
/// </summary>
/// <param name="Count">Number of entries of <c>sigmoid(T·Iᵀ)</c> strictly below the mean of its diagonal.</param>
/// <param name="Pairs">P: number of ordered pairs (i, j) with <c>y_i = y_j</c>, the diagonal included.</param>
/// <param name="Threshold"><c>int(P · α)</c>, truncated as Python's <c>int</c>.</param>
/// <param name="DiagonalMean">The mean of the diagonal of <c>sigmoid(T·Iᵀ)</c> that entries are compared with.</param>
public sealed record SemiPushPullAlignmentCheck(long Count, long Pairs, long Threshold, double DiagonalMean)
{
    /// <summary>
    /// <see langword="true"/> when <c>Count ≥ Threshold</c>: the pairs are already well enough aligned and step 2
    /// (L_inter) is skipped.
    /// </summary>
    public bool Skip => Count >= Threshold;
}
