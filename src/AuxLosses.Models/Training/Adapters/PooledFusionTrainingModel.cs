using System;
using System.Collections.Generic;
using AuxLosses.Internal;
using AuxLosses.Models.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>
/// Trains Duong, Lebret and Aberer's (arXiv:1708.02099) pooling-fusion models: <see cref="JointFusionModel"/> with
/// <code>
/// L = CE(logits, y)
/// </code>
/// and <see cref="CommonSpaceFusionModel"/> with the common-space auxiliary loss
/// <code>
/// L = CE(logits, y) + λ · CommonSpaceLoss(v_v, v_t [, y])     (over posts that have both modalities)
/// </code>
/// One forward pass, one optimizer step per batch. Posts without an image (<see cref="PostBatch.ImagePresent"/> false)
/// are pooled over their text alone, as the models do for a missing modality.
/// </summary>
/// <remarks>
/// Logged terms: <c>loss</c>, <c>ce</c> and, for the common-space model, <c>common_space</c> (unweighted).
/// <see cref="Module"/> is the model itself. The pooling models take no segment ids, so
/// <see cref="PostBatch.TokenTypeIds"/> is not used.
/// </remarks>
public sealed class PooledFusionTrainingModel : PostBatchTrainingModel
{
    private readonly nn.Module<Tensor?, Tensor?, Tensor?, PooledFusionOutput> model;
    private readonly CommonSpaceFusionModel? commonSpace;
    private readonly Func<Tensor?, Tensor?, Tensor?, Tensor?, Tensor?, PooledFusionOutput> forward;

    /// <summary>Trains a <see cref="JointFusionModel"/> with cross-entropy alone.</summary>
    /// <param name="model">The model to train.</param>
    public PooledFusionTrainingModel(JointFusionModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        this.model = model;
        forward = model.forward;
        NumClasses = PostBatchAdapter.OutputRows(model, "core.linear_cls.weight", nameof(JointFusionModel));
    }

    /// <summary>Trains a <see cref="CommonSpaceFusionModel"/> with cross-entropy plus λ times its auxiliary loss.</summary>
    /// <param name="model">The model to train.</param>
    /// <param name="auxiliaryWeight">λ, the weight of the common-space loss. Default 1. Finite, ≥ 0.</param>
    /// <param name="labelAwareNegatives">
    /// Draw the auxiliary loss's negatives from other classes only, as the paper describes. Default true.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="auxiliaryWeight"/> is negative or not finite.</exception>
    public PooledFusionTrainingModel(CommonSpaceFusionModel model, double auxiliaryWeight = 1.0, bool labelAwareNegatives = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!double.IsFinite(auxiliaryWeight) || auxiliaryWeight < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(auxiliaryWeight), auxiliaryWeight, $"{nameof(auxiliaryWeight)} must be finite and ≥ 0; got {auxiliaryWeight}.");
        }

        this.model = model;
        commonSpace = model;
        forward = model.forward;
        AuxiliaryWeight = auxiliaryWeight;
        LabelAwareNegatives = labelAwareNegatives;
        NumClasses = PostBatchAdapter.OutputRows(model, "core.linear_cls.weight", nameof(CommonSpaceFusionModel));
    }

    /// <summary>λ of the common-space loss (0 for <see cref="JointFusionModel"/>).</summary>
    public double AuxiliaryWeight { get; }

    /// <summary>Whether the common-space loss draws negatives from other classes only.</summary>
    public bool LabelAwareNegatives { get; }

    /// <inheritdoc/>
    public override nn.Module Module => model;

    /// <inheritdoc/>
    public override int NumClasses { get; }

    /// <inheritdoc/>
    public override bool SupportsClassWeights => true;

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
        var output = Forward(batch);
        var ce = PostBatchAdapter.CrossEntropy(output.Logits, batch.Labels, context.ClassWeights);
        var loss = ce;
        Tensor? auxiliary = null;
        if (commonSpace is not null)
        {
            auxiliary = commonSpace.AuxiliaryLoss(output, LabelAwareNegatives ? batch.Labels : null);
            // Scalars as kept-alive values (see TrainingScalars); the same ops as ce + aux·λ.
            using var weight = AuxiliaryWeight.ToScalar();
            loss = ce.add(auxiliary.to(ce.dtype).mul(weight), TrainingScalars.One);
        }

        context.ZeroGrad();
        loss.backward();
        context.Step();
        var values = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["loss"] = Scalars.ToDouble(loss),
            ["ce"] = Scalars.ToDouble(ce),
        };
        if (auxiliary is not null)
        {
            values["common_space"] = Scalars.ToDouble(auxiliary);
        }

        return values;
    }

    private PooledFusionOutput Forward(PostBatch batch) =>
        forward(batch.Pixels, batch.InputIds, batch.AttentionMask, batch.ImagePresent, null);
}
