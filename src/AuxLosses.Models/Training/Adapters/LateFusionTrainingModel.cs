using System;
using System.Collections.Generic;
using AuxLosses.Models.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>
/// Trains a <see cref="LateFusionClassifier"/> with a <see cref="JointObjective"/> over the terms
/// <code>
/// L = λ_ce·CE(logits, y) + λ_itc·ITC(e_v, e_t) + λ_itm·ITM(fuse(image_i, text_j))
/// </code>
/// as Sánchez Villegas, Preoțiuc-Pietro and Aletras (EACL Findings 2024); <see cref="JointObjective.Paper"/> gives
/// their weights (0.8/0.1/0.1). One forward pass, one backward, one optimizer step per batch.
/// </summary>
/// <remarks>
/// <para>Terms: <c>"ce"</c> is the (optionally class-weighted) cross-entropy; <c>"itc"</c> is
/// <see cref="ImageTextContrastiveLoss"/> on the classifier's projected embeddings; <c>"itm"</c> is
/// <see cref="ImageTextMatchingLoss"/> over <see cref="LateFusionClassifier.PairEncoder"/> (cached features re-fused, no
/// second encoder pass) with the loss's sampler: random swaps as the paper (default) or ALBEF's hard negatives drawn
/// from the ITC similarity (<c>s·cos</c>, s the ITC loss's logit scale, or 1/0.07 without an ITC loss). Only terms with a
/// positive weight are computed. Sampling uses this adapter's generator, seeded by the trainer and checkpointed.</para>
/// <para>The auxiliary terms use only the posts that have an image (<see cref="PostBatch.ImagePresent"/>); with fewer than
/// two such posts they are 0 for that batch.</para>
/// <para><see cref="Module"/> registers the classifier as <c>classifier</c> and the losses as <c>itc</c> and <c>itm</c>
/// (so the learnable logit scale and the ITM head train and are checkpointed; a prefix for
/// <see cref="TrainerOptions.ModuleLearningRates"/> looks like <c>"classifier.text_encoder"</c>). Disposing the adapter
/// frees only what it created (its generator and default losses), not the classifier.</para>
/// </remarks>
public sealed class LateFusionTrainingModel : PostBatchTrainingModel, IDisposable
{
    private const double DefaultSimilarityScale = 1 / 0.07;
    private readonly LateFusionClassifier classifier;
    private readonly JointObjective objective;
    private readonly ImageTextContrastiveLoss? contrastive;
    private readonly ImageTextMatchingLoss? matching;
    private readonly bool ownsContrastive;
    private readonly bool ownsMatching;
    private readonly bool excludeSameLabelNegatives;
    private Generator? generator;

    /// <summary>Creates the adapter.</summary>
    /// <param name="classifier">The classifier to train.</param>
    /// <param name="objective">Weights of the terms <c>"ce"</c>, <c>"itc"</c> and <c>"itm"</c> (any subset).</param>
    /// <param name="contrastive">The ITC loss; null creates one with the default options when the objective needs it.</param>
    /// <param name="matching">
    /// The ITM loss (its sampler chooses random or hard negatives); null creates one over
    /// <see cref="LateFusionClassifier.Fusion"/>'s width with the paper's random swap when the objective needs it.
    /// </param>
    /// <param name="excludeSameLabelNegatives">Never pair a post with a negative text of the same class. Default false (the paper).</param>
    /// <exception cref="ArgumentException">The objective names a term other than ce/itc/itm, or the ITM head's width is not the fusion width.</exception>
    public LateFusionTrainingModel(LateFusionClassifier classifier, JointObjective objective, ImageTextContrastiveLoss? contrastive = null,
        ImageTextMatchingLoss? matching = null, bool excludeSameLabelNegatives = false)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(objective);
        foreach (var term in objective.Terms)
        {
            if (term.Name is not (JointObjective.CrossEntropy or JointObjective.ImageTextContrastive or JointObjective.ImageTextMatching))
            {
                throw new ArgumentException($"The objective's term '{term.Name}' is unknown to {nameof(LateFusionTrainingModel)}; it computes \"ce\", \"itc\" and \"itm\".", nameof(objective));
            }
        }

        this.classifier = classifier;
        this.objective = objective;
        this.excludeSameLabelNegatives = excludeSameLabelNegatives;
        if (contrastive is null && objective.Requires(JointObjective.ImageTextContrastive))
        {
            contrastive = new ImageTextContrastiveLoss();
            ownsContrastive = true;
        }

        if (matching is null && objective.Requires(JointObjective.ImageTextMatching))
        {
            matching = new ImageTextMatchingLoss(classifier.Fusion.OutputSize);
            ownsMatching = true;
        }

        if (matching is not null && matching.Head.InputSize != classifier.Fusion.OutputSize)
        {
            throw new ArgumentException($"The ITM head takes {matching.Head.InputSize} features but the fusion head outputs {classifier.Fusion.OutputSize}.", nameof(matching));
        }

        this.contrastive = contrastive;
        this.matching = matching;
        NumClasses = PostBatchAdapter.OutputRows(classifier, "linear_cls.weight", nameof(LateFusionClassifier));
        Module = new TrainingModules(nameof(LateFusionTrainingModel), ("classifier", classifier), ("itc", contrastive), ("itm", matching));
    }

    /// <inheritdoc/>
    public override nn.Module Module { get; }

    /// <inheritdoc/>
    public override int NumClasses { get; }

    /// <inheritdoc/>
    public override bool SupportsClassWeights => true;

    /// <inheritdoc/>
    public override IReadOnlyList<Generator> Generators => generator is null ? [] : [generator];

    /// <summary>The ITC loss in use, or null when the objective does not need one.</summary>
    public ImageTextContrastiveLoss? Contrastive => contrastive;

    /// <summary>The ITM loss in use, or null when the objective does not need one.</summary>
    public ImageTextMatchingLoss? Matching => matching;

    /// <inheritdoc/>
    public override void Initialize(Device device, long seed)
    {
        ArgumentNullException.ThrowIfNull(device);
        generator?.Dispose();
        generator = new Generator(unchecked((ulong)seed), device);
    }

    /// <inheritdoc/>
    public override Tensor Predict(PostBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return classifier.forward(batch.Pixels, batch.InputIds, batch.AttentionMask, batch.TokenTypeIds).Logits;
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, double> TrainStep(PostBatch batch, TrainingStepContext context)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(context);
        var terms = Losses(batch, context.ClassWeights);
        var result = objective.Compute(terms);
        context.ZeroGrad();
        result.Total.backward();
        context.Step();
        var values = new Dictionary<string, double>(StringComparer.Ordinal) { ["loss"] = result.TotalValue };
        foreach (var (name, value) in result.Breakdown)
        {
            values[name] = value;
        }

        return values;
    }

    /// <summary>The objective's terms with a positive weight for one batch (new tensors in the caller's dispose scope).</summary>
    /// <param name="batch">A batch on the model's device.</param>
    /// <param name="classWeights">Cross-entropy class weights [C], or null.</param>
    /// <returns>Scalar loss tensors by term name, connected to the graph.</returns>
    public Dictionary<string, Tensor> Losses(PostBatch batch, Tensor? classWeights = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var output = classifier.forward(batch.Pixels, batch.InputIds, batch.AttentionMask, batch.TokenTypeIds);
        var terms = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        if (objective.Requires(JointObjective.CrossEntropy))
        {
            terms[JointObjective.CrossEntropy] = PostBatchAdapter.CrossEntropy(output.Logits, batch.Labels, classWeights);
        }

        var needItc = objective.Requires(JointObjective.ImageTextContrastive);
        var needItm = objective.Requires(JointObjective.ImageTextMatching);
        if (!needItc && !needItm)
        {
            return terms;
        }

        // Auxiliary terms over the posts that have an image: a zero image would be a meaningless positive.
        var imageEmbedding = output.ImageEmbedding;
        var textEmbedding = output.TextEmbedding;
        var features = output.Features;
        var labels = batch.Labels;
        if (!batch.ImagePresent.all().item<bool>())
        {
            var rows = batch.ImagePresent.nonzero().squeeze(1);
            imageEmbedding = imageEmbedding.index_select(0, rows);
            textEmbedding = textEmbedding.index_select(0, rows);
            features = features.Select(rows, rows);
            labels = labels.index_select(0, rows);
        }

        if (imageEmbedding.shape[0] < 2)
        {
            var zero = output.Logits.sum().mul(TrainingScalars.Zero);
            if (needItc)
            {
                terms[JointObjective.ImageTextContrastive] = zero;
            }

            if (needItm)
            {
                terms[JointObjective.ImageTextMatching] = zero;
            }

            return terms;
        }

        if (needItc)
        {
            terms[JointObjective.ImageTextContrastive] = contrastive!.forward(imageEmbedding, textEmbedding);
        }

        if (needItm)
        {
            Tensor? similarity = null;
            if (matching!.Sampler.Options.Strategy == NegativeSamplingStrategy.Hard)
            {
                using var noGrad = no_grad();
                using var scale = (contrastive?.LogitScale ?? DefaultSimilarityScale).ToScalar();
                similarity = nn.functional.normalize(imageEmbedding.detach(), dim: 1)
                    .matmul(nn.functional.normalize(textEmbedding.detach(), dim: 1).t()).mul(scale);
            }

            var pairs = new FusionPairEncoder(features, classifier.Fusion);
            terms[JointObjective.ImageTextMatching] = matching.forward(pairs, similarity, excludeSameLabelNegatives ? labels : null, generator).Loss;
        }

        return terms;
    }

    /// <summary>Frees the generator and the losses this adapter created (not the classifier or losses passed in).</summary>
    public void Dispose()
    {
        generator?.Dispose();
        generator = null;
        if (ownsContrastive)
        {
            contrastive?.Dispose();
        }

        if (ownsMatching)
        {
            matching?.Dispose();
        }
    }
}
