namespace AuxLosses;

/// <summary>Options of <see cref="NegativeSampler"/>. The defaults reproduce the paper's random swap.</summary>
public sealed class NegativeSamplerOptions
{
    /// <summary>
    /// Which negatives <see cref="NegativeSampler.Sample(TorchSharp.torch.Tensor, TorchSharp.torch.Tensor?, TorchSharp.torch.Generator?)"/>
    /// draws. Default <see cref="NegativeSamplingStrategy.Random"/> (the paper's <c>--use_tim_loss</c>).
    /// </summary>
    public NegativeSamplingStrategy Strategy { get; init; } = NegativeSamplingStrategy.Random;

    /// <summary>
    /// Random strategy: probability that a pair's text is swapped for another in-batch text. Default 0.5, as the
    /// paper's <c>np.random.choice([True, False])</c>. Must lie in [0, 1].
    /// </summary>
    public double SwapProbability { get; init; } = 0.5;

    /// <summary>
    /// Hard strategy: the similarity is divided by this before the softmax that weights candidates. Default 1:
    /// pass ITC logits (similarity already divided by the contrastive temperature), as ALBEF's <c>sim_i2t</c>.
    /// Must be finite and positive.
    /// </summary>
    public double Temperature { get; init; } = 1.0;
}
