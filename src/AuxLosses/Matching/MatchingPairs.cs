using System;
using static TorchSharp.torch;

namespace AuxLosses;

/// <summary>
/// Image-text pairs to score with an ITM head: pair n joins image <c>ImageIndex[n]</c> with text <c>TextIndex[n]</c>
/// of the same batch, and <c>MatchLabels[n]</c> is 1 when they belong together (the same post) and 0 otherwise.
/// All three are int64 <c>[N]</c> on the batch's device, carry no gradient, and are owned by the caller's dispose
/// scope (or by <see cref="Dispose"/>).
/// </summary>
/// <remarks>
/// Layout. <see cref="NegativeSamplingStrategy.Random"/>: N = B, pair i has image i. <see cref="NegativeSamplingStrategy.Hard"/>
/// (ALBEF's order): first the B positives (i, i); then one negative image per text, (j, t) in increasing t; then one
/// negative text per image, (i, j) in increasing i. A row with no admissible candidate (B = 1, or every other sample
/// shares its label when same-label exclusion is on) contributes no negative: Hard drops it, Random keeps that pair
/// matched (as the paper's code does for B = 1). <see cref="RowsWithoutCandidate"/> counts such rows.
/// </remarks>
public sealed class MatchingPairs : IDisposable
{
    /// <summary>Creates a set of pairs; the tensors must be int64 <c>[N]</c> of equal length (checked by the consumers).</summary>
    /// <param name="imageIndex">Image row of each pair, in [0, <paramref name="batchSize"/>).</param>
    /// <param name="textIndex">Text row of each pair, in [0, <paramref name="batchSize"/>).</param>
    /// <param name="matchLabels">1 for a matched pair, 0 for a mismatched one.</param>
    /// <param name="batchSize">B, the number of image-text pairs in the batch the indices refer to.</param>
    /// <param name="strategy">The strategy that produced the pairs.</param>
    /// <param name="rowsWithoutCandidate">How many query rows had no admissible negative (see the class remarks).</param>
    public MatchingPairs(Tensor imageIndex, Tensor textIndex, Tensor matchLabels, long batchSize, NegativeSamplingStrategy strategy, long rowsWithoutCandidate)
    {
        ArgumentNullException.ThrowIfNull(imageIndex);
        ArgumentNullException.ThrowIfNull(textIndex);
        ArgumentNullException.ThrowIfNull(matchLabels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegative(rowsWithoutCandidate);
        ImageIndex = imageIndex;
        TextIndex = textIndex;
        MatchLabels = matchLabels;
        BatchSize = batchSize;
        Strategy = strategy;
        RowsWithoutCandidate = rowsWithoutCandidate;
    }

    /// <summary>Image row of each pair, int64 <c>[N]</c>.</summary>
    public Tensor ImageIndex { get; }

    /// <summary>Text row of each pair, int64 <c>[N]</c>.</summary>
    public Tensor TextIndex { get; }

    /// <summary>1 = the image and text match, 0 = mismatched; int64 <c>[N]</c>, the ITM head's class targets.</summary>
    public Tensor MatchLabels { get; }

    /// <summary>B, the batch the indices refer to.</summary>
    public long BatchSize { get; }

    /// <summary>N, the number of pairs.</summary>
    public long Count => ImageIndex.shape[0];

    /// <summary>The strategy that produced the pairs.</summary>
    public NegativeSamplingStrategy Strategy { get; }

    /// <summary>
    /// Query rows that had no admissible negative candidate. Hard: out of 2B rows (B images, B texts), each such
    /// row's negative is missing from the pairs, so <c>Count = 3B − RowsWithoutCandidate</c>. Random: out of B
    /// rows, each such pair stays matched whatever its coin said.
    /// </summary>
    public long RowsWithoutCandidate { get; }

    /// <summary>Disposes the three index tensors.</summary>
    public void Dispose()
    {
        ImageIndex.Dispose();
        TextIndex.Dispose();
        MatchLabels.Dispose();
    }
}
