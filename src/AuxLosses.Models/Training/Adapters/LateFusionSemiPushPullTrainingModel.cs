using System;
using System.Collections.Generic;
using System.Linq;
using AuxLosses.Models.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>
/// Trains a <see cref="LateFusionClassifier"/> with SPP-SCL's semi-push-pull objective (Wu and Li;
/// github.com/TomorrowJW/SPP-SCL): the classifier's ITC projections play SPP-SCL's aligned features,
/// <code>
/// step 1:  L1 = w·CE(logits, y) + SupCon(e_v, y) + SupCon(e_t, y);  optimizer step
/// step 2:  fresh forward; unless count(sigmoid(e_t·e_vᵀ) &lt; mean diag) ≥ int(P·α):  L_inter(e_t → e_v);  optimizer step
/// </code>
/// with e_v = P_v x_v and e_t = P_t x_t (<see cref="LateFusionOutput.ImageEmbedding"/>,
/// <see cref="LateFusionOutput.TextEmbedding"/>; set <see cref="LateFusionClassifierOptions.ProjectionSize"/> to 32 for
/// SPP-SCL's d). Unlike <see cref="SppSclTrainingModel"/>, whose <see cref="SppSclModel"/> freezes the encoders behind
/// SPP-SCL's own heads, this trains whatever the classifier trains, so SPP-SCL can be compared with CE, ITC and ITM on
/// one architecture.
/// </summary>
/// <remarks>
/// Logged terms are <see cref="SppSclTrainingModel"/>'s: <c>loss</c>, <c>step1</c>, <c>ce</c>, <c>inter</c>,
/// <c>step2</c> (or <c>loss</c> and <c>ce</c> for the one-step ablation). Every term is computed over the whole batch,
/// so every post must have an image (read the data with <see cref="MissingImagePolicy.Fail"/> or
/// <see cref="MissingImagePolicy.Skip"/>); the objective's cross-entropy is unweighted, so class weights are not
/// supported. <see cref="Module"/> is the classifier. Disposing the adapter frees the objective only when it created it.
/// </remarks>
public sealed class LateFusionSemiPushPullTrainingModel : PostBatchTrainingModel, IDisposable
{
    private readonly LateFusionClassifier classifier;
    private readonly SemiPushPullObjective objective;
    private readonly bool ownsObjective;

    /// <summary>Creates the adapter.</summary>
    /// <param name="classifier">The classifier to train.</param>
    /// <param name="objective">The SPP-SCL objective; null creates one with the reference's settings (w = 5, τ = 0.07, α = 2/3).</param>
    /// <param name="twoStep">True (default) for SPP-SCL's two-step loop; false for the one-step ablation.</param>
    public LateFusionSemiPushPullTrainingModel(LateFusionClassifier classifier, SemiPushPullObjective? objective = null, bool twoStep = true)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        this.classifier = classifier;
        ownsObjective = objective is null;
        this.objective = objective ?? new SemiPushPullObjective();
        TwoStep = twoStep;
        NumClasses = PostBatchAdapter.OutputRows(classifier, "linear_cls.weight", nameof(LateFusionClassifier));
    }

    /// <summary>Whether the adapter runs SPP-SCL's two optimizer steps per batch (false: the one-step ablation).</summary>
    public bool TwoStep { get; }

    /// <inheritdoc/>
    public override nn.Module Module => classifier;

    /// <inheritdoc/>
    public override int NumClasses { get; }

    /// <inheritdoc/>
    public override bool SupportsClassWeights => false;

    /// <inheritdoc/>
    public override Tensor Predict(PostBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return classifier.forward(batch.Pixels, batch.InputIds, batch.AttentionMask, batch.TokenTypeIds).Logits;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">A post of the batch has no image.</exception>
    public override IReadOnlyDictionary<string, double> TrainStep(PostBatch batch, TrainingStepContext context)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(context);
        if (!batch.ImagePresent.all().item<bool>())
        {
            var missing = MissingIds(batch);
            throw new ArgumentException(
                $"{nameof(LateFusionSemiPushPullTrainingModel)} needs an image for every post, but {missing.Count} of {batch.Count} " +
                $"posts in this batch have none (post ids: {string.Join(", ", missing)}); read the data with MissingImagePolicy.Fail or Skip.", nameof(batch));
        }

        return SemiPushPullSteps.Run(objective, TwoStep, () => Forward(batch), batch.Labels, context);
    }

    /// <summary>Frees the objective when this adapter created it.</summary>
    public void Dispose()
    {
        if (ownsObjective)
        {
            objective.Dispose();
        }
    }

    private SemiPushPullBatch Forward(PostBatch batch)
    {
        var output = classifier.forward(batch.Pixels, batch.InputIds, batch.AttentionMask, batch.TokenTypeIds);
        return new SemiPushPullBatch(output.Logits, output.ImageEmbedding, output.TextEmbedding);
    }

    private static List<string> MissingIds(PostBatch batch)
    {
        var present = batch.ImagePresent.cpu().data<bool>().ToArray();
        return batch.Ids.Where((_, i) => !present[i]).ToList();
    }
}
