using System;
using static TorchSharp.torch;

namespace AuxLosses;

/// <summary>
/// Result of <see cref="ImageTextMatchingLoss.forward(IPairEncoder, Tensor?, Tensor?, Generator?)"/>: the scalar loss
/// (differentiable), the head's logits, a detached accuracy and the pairs that were scored. The tensors belong to the
/// caller's dispose scope, or to <see cref="Dispose"/>.
/// </summary>
public sealed class ItmOutput : IDisposable
{
    /// <summary>Bundles the results; used by <see cref="ImageTextMatchingLoss"/>.</summary>
    /// <param name="loss">Scalar mean cross-entropy.</param>
    /// <param name="logits">ITM logits <c>[N, 2]</c>.</param>
    /// <param name="accuracy">Detached 0-dim float32 fraction of pairs whose argmax equals the match label.</param>
    /// <param name="pairs">The scored pairs.</param>
    public ItmOutput(Tensor loss, Tensor logits, Tensor accuracy, MatchingPairs pairs)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(accuracy);
        ArgumentNullException.ThrowIfNull(pairs);
        Loss = loss;
        Logits = logits;
        Accuracy = accuracy;
        Pairs = pairs;
    }

    /// <summary>Scalar mean cross-entropy over the N pairs; call <c>backward()</c> on it (or weight it in a joint objective).</summary>
    public Tensor Loss { get; }

    /// <summary>ITM logits <c>[N, 2]</c> (class 1 = match), attached to the graph.</summary>
    public Tensor Logits { get; }

    /// <summary>
    /// Detached 0-dim float32 accuracy of argmax(logits) against <see cref="MatchLabels"/>. Kept on the device so
    /// that reading it is the caller's choice of host synchronization (<c>Accuracy.item&lt;float&gt;()</c>).
    /// </summary>
    public Tensor Accuracy { get; }

    /// <summary>The pairs that were scored (indices, labels, rows without a candidate).</summary>
    public MatchingPairs Pairs { get; }

    /// <summary>The targets, int64 <c>[N]</c>: <see cref="MatchingPairs.MatchLabels"/> of <see cref="Pairs"/>.</summary>
    public Tensor MatchLabels => Pairs.MatchLabels;

    /// <summary>Disposes every tensor of the result, including the pairs.</summary>
    public void Dispose()
    {
        Loss.Dispose();
        Logits.Dispose();
        Accuracy.Dispose();
        Pairs.Dispose();
    }
}
