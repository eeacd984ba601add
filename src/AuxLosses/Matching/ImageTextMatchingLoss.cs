using System;
using AuxLosses.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses;

/// <summary>
/// Image-text matching (ITM): a binary classifier over fused (image, text) pairs learns whether the two come from the
/// same post, trained on matched pairs and sampled mismatched ones.
/// </summary>
/// <remarks>
/// <code>
/// L_ITM = −(1/N) Σ_n log softmax(ItmHead(fuse(image[a_n], text[b_n])))[y_n],   y_n = 1[(a_n, b_n) is a true pair]
/// </code>
/// Sources: Sánchez Villegas, Preoțiuc-Pietro and Aletras, "Improving Multimodal Classification of Social Media Posts
/// by Leveraging Image-Text Auxiliary Tasks" (EACL Findings 2024): <c>linear_tim</c> over the late-fusion vector,
/// texts swapped with p = 0.5, <c>nn.CrossEntropyLoss()</c> (unweighted mean), joint loss (1 − λ_ITC − λ_ITM)·CE +
/// λ_ITC·ITC + λ_ITM·ITM with λ = 0.1. ALBEF (Li et al., NeurIPS 2021) and BLIP: <c>itm_head = Linear(H, 2)</c> with
/// hard negatives, 3B pairs.
/// <para>The defaults (<see cref="NegativeSamplingStrategy.Random"/>, p = 0.5, single linear head, mean CE)
/// reproduce the paper; set <see cref="NegativeSamplerOptions.Strategy"/> = Hard for ALBEF's objective.</para>
/// <para>Two levels of use. <c>forward(logits, matchLabels)</c> is the bare cross-entropy (the module's
/// <c>call</c>). <c>forward(pairs, similarity, labels, generator)</c> runs the whole step: sample pairs with
/// <see cref="Sampler"/>, fuse them with the user's <see cref="IPairEncoder"/>, score them with <see cref="Head"/>,
/// and return an <see cref="ItmOutput"/> with the loss, logits, detached accuracy and the pairs. The head's
/// parameters are this module's parameters: hand <c>parameters()</c> to the optimizer.</para>
/// <para>Numerics: log-softmax is computed in float32 for float16/bfloat16 logits (float64 stays float64) and the
/// loss is cast back to the logits' dtype, so ±1e4 logits give finite values and gradients.</para>
/// </remarks>
public sealed class ImageTextMatchingLoss : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly ItmHead head;

    /// <summary>Creates the loss with a new <see cref="ItmHead"/> for fused vectors of width <paramref name="inputSize"/>.</summary>
    /// <param name="inputSize">H, the width of the fused pair representation.</param>
    /// <param name="headOptions">Head options; null for ALBEF's / the paper's single Linear H→2.</param>
    /// <param name="samplerOptions">Sampling options; null for the paper's random swap with p = 0.5.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    public ImageTextMatchingLoss(long inputSize, ItmHeadOptions? headOptions = null, NegativeSamplerOptions? samplerOptions = null)
        : this(new ItmHead(inputSize, headOptions), new NegativeSampler(samplerOptions))
    {
    }

    /// <summary>Creates the loss around an existing head (e.g. with loaded ALBEF weights) and sampler.</summary>
    /// <param name="head">The ITM head; registered as the submodule <c>head</c>.</param>
    /// <param name="sampler">The negative sampler; null for the paper's random swap.</param>
    public ImageTextMatchingLoss(ItmHead head, NegativeSampler? sampler = null)
        : base(nameof(ImageTextMatchingLoss))
    {
        ArgumentNullException.ThrowIfNull(head);
        this.head = head;
        Sampler = sampler ?? new NegativeSampler();
        RegisterComponents();
    }

    /// <summary>The ITM head (state-dict prefix <c>head.</c>).</summary>
    public ItmHead Head => head;

    /// <summary>The negative sampler used by the pair-level <c>forward</c>.</summary>
    public NegativeSampler Sampler { get; }

    /// <summary>Mean cross-entropy of ITM logits against match labels (PyTorch's <c>F.cross_entropy(logits, labels)</c>).</summary>
    /// <param name="logits">Floating-point <c>[N, 2]</c>, finite.</param>
    /// <param name="matchLabels">Integer <c>[N]</c> with values 0 (mismatch) or 1 (match), on the logits' device.</param>
    /// <returns>Scalar loss in the logits' dtype.</returns>
    /// <exception cref="ArgumentException">Bad shape, dtype, device, non-finite logits or labels outside {0, 1}; the message names the argument.</exception>
    public override Tensor forward(Tensor logits, Tensor matchLabels)
    {
        TensorGuard.Features(logits, nameof(logits), 2);
        TensorGuard.Size(logits, nameof(logits), 1, 2, "the two ITM classes");
        TensorGuard.Finite(logits, nameof(logits));
        TensorGuard.Labels(matchLabels, nameof(matchLabels), logits.shape[0], logits, numClasses: 2);
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(CrossEntropy(logits, matchLabels));
    }

    /// <summary>
    /// One ITM step: samples pairs, fuses them with <paramref name="pairs"/>, scores them with <see cref="Head"/> and
    /// computes the mean cross-entropy.
    /// </summary>
    /// <param name="pairs">The batch's pair encoder (<see cref="LateFusionPairEncoder"/>, <see cref="EarlyFusionPairEncoder"/> or your own).</param>
    /// <param name="similarity">
    /// Image→text similarity logits <c>[B, B]</c> (e.g. the ITC logits); required by the Hard strategy, optional
    /// (validated, otherwise unused) for Random. Detached before sampling.
    /// </param>
    /// <param name="labels">Optional class labels, integer <c>[B]</c>: when given, negatives never share the query's label.</param>
    /// <param name="generator">Optional RNG on the batch's device for reproducible sampling.</param>
    /// <returns>Loss, logits, detached accuracy and the sampled pairs.</returns>
    /// <exception cref="ArgumentException">Bad input; the message names the argument.</exception>
    public ItmOutput forward(IPairEncoder pairs, Tensor? similarity = null, Tensor? labels = null, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        using var scope = NewDisposeScope();
        MatchingPairs sampled;
        if (similarity is not null)
        {
            TensorGuard.Features(similarity, nameof(similarity), 2);
            if (similarity.shape[0] != pairs.BatchSize || similarity.shape[1] != pairs.BatchSize)
            {
                throw new ArgumentException(
                    $"{nameof(similarity)} must be [{pairs.BatchSize}, {pairs.BatchSize}] to match the pair encoder's batch, but its shape is {TensorGuard.Shape(similarity)}.",
                    nameof(similarity));
            }

            sampled = Sampler.Sample(similarity, labels, generator);
        }
        else if (Sampler.Options.Strategy == NegativeSamplingStrategy.Hard)
        {
            throw new ArgumentNullException(nameof(similarity), "The Hard negative strategy needs the [B, B] image→text similarity to weight candidates.");
        }
        else
        {
            sampled = Sampler.SampleRandom(pairs.BatchSize, labels, generator, pairs.Device);
        }

        return Score(pairs, sampled, scope);
    }

    /// <summary>Scores pairs chosen by the caller (e.g. from <see cref="NegativeSampler"/> or a fixed evaluation set).</summary>
    /// <param name="pairs">The batch's pair encoder.</param>
    /// <param name="sampled">The pairs to score; its indices must refer to <paramref name="pairs"/>' batch. This call does not dispose it (the returned <see cref="ItmOutput"/> references it, and disposing the output disposes it).</param>
    /// <returns>Loss, logits, detached accuracy and <paramref name="sampled"/>.</returns>
    /// <exception cref="ArgumentException">Bad input; the message names the argument.</exception>
    public ItmOutput forward(IPairEncoder pairs, MatchingPairs sampled)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentNullException.ThrowIfNull(sampled);
        if (sampled.BatchSize != pairs.BatchSize)
        {
            throw new ArgumentException($"{nameof(sampled)} refers to a batch of {sampled.BatchSize}, but the pair encoder holds {pairs.BatchSize}.", nameof(sampled));
        }

        using var scope = NewDisposeScope();
        return Score(pairs, sampled, scope, moveSampled: false);
    }

    private ItmOutput Score(IPairEncoder pairs, MatchingPairs sampled, DisposeScope scope, bool moveSampled = true)
    {
        var fused = pairs.EncodePairs(sampled.ImageIndex, sampled.TextIndex);
        PairIndexGuard.Fused(fused, "the pair encoder's output", sampled.Count);
        var logits = head.call(fused);
        var loss = forward(logits, sampled.MatchLabels);
        Tensor accuracy;
        using (no_grad())
        {
            accuracy = logits.detach().argmax(1).eq(sampled.MatchLabels).to(ScalarType.Float32).mean();
        }

        scope.MoveToOuter(loss, logits, accuracy);
        if (moveSampled)
        {
            scope.MoveToOuter(sampled.ImageIndex, sampled.TextIndex, sampled.MatchLabels);
        }

        return new ItmOutput(loss, logits, accuracy, sampled);
    }

    /// <summary>−mean log softmax(logits)[y], in float32 for half-precision logits.</summary>
    private static Tensor CrossEntropy(Tensor logits, Tensor matchLabels)
    {
        var computeType = logits.dtype is ScalarType.Float16 or ScalarType.BFloat16 ? ScalarType.Float32 : logits.dtype;
        var logProbabilities = nn.functional.log_softmax(logits.to(computeType), 1);
        var picked = logProbabilities.gather(1, matchLabels.to(ScalarType.Int64).unsqueeze(1));
        return picked.mean().neg().to(logits.dtype);
    }
}
