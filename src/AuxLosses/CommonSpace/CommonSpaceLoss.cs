using System;
using AuxLosses.Internal;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace AuxLosses;

/// <summary>
/// Common-space (max-margin ranking) loss that pulls the image and text vectors of one post together and pushes
/// other posts' vectors away, the auxiliary task of the "common space fusion" model of Duong, Lebret and Aberer,
/// "Multimodal Classification for Analysing Social Media" (arXiv:1708.02099, 2017).
/// <code>
/// S_ik = s(x_i, v_k)                        (cosine similarity of image i and text k)
/// ℓ_i^(x) = Σ_{k ∈ N(i)} max(0, α − S_ii + S_ik)      image i as anchor, texts of other posts as negatives
/// ℓ_i^(v) = Σ_{k ∈ N(i)} max(0, α − S_ii + S_ki)      text i as anchor, images of other posts as negatives
/// L = (1/B) Σ_i [ ℓ_i^(x) + ℓ_i^(v) ]
/// N(i) = { k ≠ i }   or, given labels, { k : y_k ≠ y_i }  (negatives from other classes only)
/// </code>
/// </summary>
/// <remarks>
/// <para>Provenance. We could not retrieve the paper's own equation. The sources we could read (its abstract, and
/// E. Saravia's dair.ai summary "Detecting Emotions with CNN Fusion Models") say only that the auxiliary task makes
/// the text and image vectors of a post similar while text vectors of posts from other classes stay dissimilar to
/// the image vector. The loss therefore
/// implements the hinge form that this builds on, the pairwise ranking objective of Kiros, Salakhutdinov and Zemel,
/// "Unifying Visual-Semantic Embeddings with Multimodal Neural Language Models" (2014),
/// Σ_x Σ_k max(0, α − s(x, v) + s(x, v_k)) + Σ_v Σ_k max(0, α − s(v, x) + s(v, x_k)); with the defaults it equals
/// the VSE/VSE++ <c>ContrastiveLoss</c> (sum over the batch) divided by B. The paper's reading (image anchors,
/// negatives from other classes) is <c>Direction = ImageToText</c> with <c>forward(image, text, labels)</c>.</para>
/// <para>Options: <see cref="HingeReduction.Hardest"/> keeps only the hardest negative per anchor (VSE++, Faghri et al.
/// 2018); <see cref="HingeReduction.Mean"/> averages over negatives. An anchor without negatives (B = 1, or every
/// other post sharing its label) contributes 0, and the loss stays connected to the inputs' graph.</para>
/// <para>Inputs are [B, D] in any floating dtype; fp16/bf16 are computed in float32 and the loss is returned in the
/// input dtype. Zero vectors normalize to zero (cosine 0), as in <c>F.normalize</c>.</para>
/// </remarks>
public sealed class CommonSpaceLoss : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly double margin;
    private readonly HingeReduction reduction;
    private readonly RankingDirection direction;
    private readonly bool normalize;

    /// <summary>Creates the loss.</summary>
    /// <param name="options">Options; null gives the defaults documented on <see cref="CommonSpaceLossOptions"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    public CommonSpaceLoss(CommonSpaceLossOptions? options = null)
        : base(nameof(CommonSpaceLoss))
    {
        options ??= new CommonSpaceLossOptions();
        margin = TensorGuard.NonNegative(options.Margin, nameof(CommonSpaceLossOptions.Margin));
        reduction = EnumGuard.Defined(options.Reduction, nameof(CommonSpaceLossOptions.Reduction));
        direction = EnumGuard.Defined(options.Direction, nameof(CommonSpaceLossOptions.Direction));
        normalize = options.Normalize;
        RegisterComponents();
    }

    /// <summary>The loss with every other post in the batch as a negative.</summary>
    /// <param name="image">Image vectors [B, D].</param>
    /// <param name="text">Text vectors [B, D]; row i belongs to the same post as image row i.</param>
    /// <returns>A scalar in the dtype of <paramref name="image"/>.</returns>
    /// <exception cref="ArgumentException">Shapes, dtypes or devices differ, the batch is empty, or an input holds NaN/Inf.</exception>
    public override Tensor forward(Tensor image, Tensor text) => Compute(image, text, null);

    /// <summary>The class-aware loss: only posts with a different label are negatives (the paper's "different classes").</summary>
    /// <param name="image">Image vectors [B, D].</param>
    /// <param name="text">Text vectors [B, D].</param>
    /// <param name="labels">Class indices [B] (integer dtype, ≥ 0) on the inputs' device.</param>
    /// <returns>A scalar in the dtype of <paramref name="image"/>.</returns>
    /// <exception cref="ArgumentException">As the two-argument overload, or the labels are not [B] non-negative integers.</exception>
    public Tensor forward(Tensor image, Tensor text, Tensor labels)
    {
        Validate(image, text);
        TensorGuard.Labels(labels, nameof(labels), image.shape[0], image);
        return Loss(image, text, labels);
    }

    private Tensor Compute(Tensor image, Tensor text, Tensor? labels)
    {
        Validate(image, text);
        return Loss(image, text, labels);
    }

    private static void Validate(Tensor image, Tensor text)
    {
        TensorGuard.Features(image, nameof(image), 2);
        TensorGuard.Features(text, nameof(text), 2);
        TensorGuard.SameShape(image, nameof(image), text, nameof(text));
        TensorGuard.SameDtypeAndDevice(image, nameof(image), text, nameof(text));
        TensorGuard.Finite(image, nameof(image));
        TensorGuard.Finite(text, nameof(text));
    }

    private Tensor Loss(Tensor image, Tensor text, Tensor? labels)
    {
        using var scope = NewDisposeScope();
        var reduced = image.dtype is ScalarType.Float16 or ScalarType.BFloat16;
        var x = reduced ? image.to(ScalarType.Float32) : image;
        var v = reduced ? text.to(ScalarType.Float32) : text;
        if (normalize)
        {
            x = F.normalize(x, p: 2, dim: 1);
            v = F.normalize(v, p: 2, dim: 1);
        }

        var batch = image.shape[0];
        var scores = x.matmul(v.t());                    // S_ik = s(x_i, v_k)
        var positive = scores.diagonal();                // S_ii

        // N(i): every other post, or only posts of another class. Symmetric, so it serves both directions.
        var negatives = eye(batch, dtype: ScalarType.Bool, device: image.device).logical_not();
        if (labels is not null)
        {
            negatives = negatives.logical_and(labels.unsqueeze(1).ne(labels.unsqueeze(0)));
        }

        var loss = zeros(Array.Empty<long>(), dtype: scores.dtype, device: scores.device);
        if (direction != RankingDirection.TextToImage)
        {
            // Row i: image i against every text k.
            loss = loss.Plus(Reduce(F.relu(Scalars.Minus(margin, positive.unsqueeze(1)).Plus(scores)), negatives, dim: 1));
        }

        if (direction != RankingDirection.ImageToText)
        {
            // Column i: text i against every image k.
            loss = loss.Plus(Reduce(F.relu(Scalars.Minus(margin, positive.unsqueeze(0)).Plus(scores)), negatives, dim: 0));
        }

        return scope.MoveToOuter(loss.to(image.dtype));
    }

    /// <summary>Combines each anchor's hinge terms over its negatives along <paramref name="dim"/>, then averages over anchors.</summary>
    private Tensor Reduce(Tensor hinge, Tensor negatives, long dim)
    {
        // Masked entries become exactly 0 and pass no gradient; every hinge is ≥ 0, so they never win the max.
        hinge = hinge.masked_fill(negatives.logical_not(), Scalars.ZeroF);
        var perAnchor = reduction switch
        {
            HingeReduction.Sum => hinge.sum(dim),
            HingeReduction.Mean => hinge.sum(dim) / negatives.sum(dim).clamp_min(Scalars.One).to(hinge.dtype),
            // amax splits the gradient evenly between tied maxima, so the result is batch-permutation invariant.
            _ => hinge.amax(new[] { dim }),
        };
        return perAnchor.mean();
    }
}
