using System;
using System.Collections.Generic;
using AuxLosses.Internal;
using AuxLosses.Models.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>
/// Trains an <see cref="SppSclModel"/> with SPP-SCL's semi-push-pull two-step loop (Wu and Li; github.com/TomorrowJW/SPP-SCL,
/// <c>train.py</c>), per batch:
/// <code>
/// zero_grad; forward; L1 = w·CE + L_img + L_txt; backward; step                      (optimizer step 1)
/// forward again (new parameters); if count(sigmoid(T·Iᵀ) &lt; mean diag) &lt; int(P·α):
///     zero_grad; L2 = L_inter(T → I); backward; step                                  (optimizer step 2)
/// </code>
/// with <see cref="SemiPushPullObjective"/>. The trainer's clipping applies to both steps; the learning-rate schedule
/// advances once per batch. <c>twoStep: false</c> gives the paper's one-step ablation
/// (<see cref="SemiPushPullObjective.OneStepLoss"/>: all four terms, one forward, one step).
/// </summary>
/// <remarks>
/// <para>Logged terms: <c>loss</c> (step-1 loss plus the weighted L_inter when step 2 ran — the reference's logged loss),
/// <c>step1</c>, <c>ce</c> (unweighted, detached), <c>inter</c> (λ_inter·L_inter; 0 when step 2 was skipped) and <c>step2</c> (1 when it
/// ran, so its epoch mean is the fraction of batches with a second step). The objective's cross-entropy is unweighted,
/// so class weights are not supported. The model's batch-level CMF attention and BatchNorm need at least 2 posts per
/// training batch. <see cref="Module"/> is the model itself (its frozen encoders are not optimized).</para>
/// </remarks>
public sealed class SppSclTrainingModel : PostBatchTrainingModel, IDisposable
{
    private readonly SppSclModel model;
    private readonly SemiPushPullObjective objective;
    private readonly bool ownsObjective;

    /// <summary>Creates the adapter.</summary>
    /// <param name="model">The model to train.</param>
    /// <param name="objective">The SPP-SCL objective; null creates one with the reference's settings (w = 5, τ = 0.07, α = 2/3).</param>
    /// <param name="twoStep">True (default) for SPP-SCL's two-step loop; false for the one-step ablation.</param>
    public SppSclTrainingModel(SppSclModel model, SemiPushPullObjective? objective = null, bool twoStep = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        this.model = model;
        ownsObjective = objective is null;
        this.objective = objective ?? new SemiPushPullObjective();
        TwoStep = twoStep;
        NumClasses = PostBatchAdapter.OutputRows(model, "fc.weight", nameof(SppSclModel));
    }

    /// <summary>Whether the adapter runs SPP-SCL's two optimizer steps per batch (false: the one-step ablation).</summary>
    public bool TwoStep { get; }

    /// <inheritdoc/>
    public override nn.Module Module => model;

    /// <inheritdoc/>
    public override int NumClasses { get; }

    /// <inheritdoc/>
    public override bool SupportsClassWeights => false;

    /// <inheritdoc/>
    public override Tensor Predict(PostBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return Forward(batch).Logits;
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, double> TrainStep(PostBatch batch, TrainingStepContext context)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(context);
        return SemiPushPullSteps.Run(objective, TwoStep, () => Forward(batch).ToBatch(), batch.Labels, context);
    }

    /// <summary>Frees the objective when this adapter created it.</summary>
    public void Dispose()
    {
        if (ownsObjective)
        {
            objective.Dispose();
        }
    }

    private SppSclOutput Forward(PostBatch batch) => model.forward(batch.Pixels, batch.InputIds, batch.AttentionMask, batch.TokenTypeIds);
}
