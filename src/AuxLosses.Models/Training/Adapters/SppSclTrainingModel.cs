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
public sealed class SppSclTrainingModel : ITrainingModel<PostBatch>, IDisposable
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
    public nn.Module Module => model;

    /// <inheritdoc/>
    public int NumClasses { get; }

    /// <inheritdoc/>
    public bool SupportsClassWeights => false;

    /// <inheritdoc/>
    public IReadOnlyList<Generator> Generators => [];

    /// <inheritdoc/>
    public void Initialize(Device device, long seed)
    {
    }

    /// <inheritdoc/>
    public PostBatch ToDevice(PostBatch batch, Device device) => PostBatchAdapter.ToDevice(batch, device);

    /// <inheritdoc/>
    public int BatchSize(PostBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return batch.Count;
    }

    /// <inheritdoc/>
    public Tensor Labels(PostBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return batch.Labels;
    }

    /// <inheritdoc/>
    public Tensor Predict(PostBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return Forward(batch).Logits;
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, double> TrainStep(PostBatch batch, TrainingStepContext context)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(context);
        var labels = batch.Labels;
        if (!TwoStep)
        {
            var output = Forward(batch);
            var loss = objective.OneStepLoss(output.ToBatch(), labels);
            context.ZeroGrad();
            loss.backward();
            context.Step();
            return new Dictionary<string, double>(StringComparer.Ordinal)
            {
                ["loss"] = Scalars.ToDouble(loss),
                ["ce"] = DetachedCrossEntropy(output.Logits, labels),
            };
        }

        double step1, ce;
        using (var scope = NewDisposeScope())
        {
            var output = Forward(batch);
            var loss = objective.Step1Loss(output.ToBatch(), labels);
            context.ZeroGrad();
            loss.backward();
            context.Step();
            step1 = Scalars.ToDouble(loss);
            ce = DetachedCrossEntropy(output.Logits, labels);
        }

        var inter = 0.0;
        bool ran;
        using (var scope = NewDisposeScope())
        {
            // Parameters changed in step 1: the condition and L_inter need the model's new outputs.
            var output = Forward(batch);
            var check = objective.CheckAlignment(output.TextAligned, output.ImageAligned, labels);
            ran = !check.Skip;
            if (ran)
            {
                var loss = objective.Step2Loss(output.ToBatch(), labels);
                context.ZeroGrad();
                loss.backward();
                context.Step();
                inter = Scalars.ToDouble(loss);
            }
        }

        return new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["loss"] = step1 + inter,
            ["step1"] = step1,
            ["ce"] = ce,
            ["inter"] = inter,
            ["step2"] = ran ? 1 : 0,
        };
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

    private static double DetachedCrossEntropy(Tensor logits, Tensor labels)
    {
        using var noGrad = no_grad();
        return Scalars.ToDouble(nn.functional.cross_entropy(logits.detach().to(ScalarType.Float32), labels));
    }
}
