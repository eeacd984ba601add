using System;
using System.Collections.Generic;
using AuxLosses.Models.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>
/// Base of the <see cref="PostBatch"/> adapters: batch size, labels and device moves come from the batch, so an adapter
/// for your own classifier only says how to predict and how to take a training step.
/// </summary>
public abstract class PostBatchTrainingModel : ITrainingModel<PostBatch>
{
    /// <summary>Creates the adapter base; derived adapters hold their model and objective.</summary>
    protected PostBatchTrainingModel()
    {
    }

    /// <inheritdoc/>
    public abstract nn.Module Module { get; }

    /// <inheritdoc/>
    public abstract int NumClasses { get; }

    /// <inheritdoc/>
    public abstract bool SupportsClassWeights { get; }

    /// <inheritdoc/>
    public virtual IReadOnlyList<Generator> Generators => [];

    /// <inheritdoc/>
    public virtual void Initialize(Device device, long seed)
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
    public abstract Tensor Predict(PostBatch batch);

    /// <inheritdoc/>
    public abstract IReadOnlyDictionary<string, double> TrainStep(PostBatch batch, TrainingStepContext context);
}
