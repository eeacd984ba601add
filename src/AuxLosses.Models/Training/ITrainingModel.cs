using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>
/// What <see cref="Trainer{TBatch}"/> needs from a model: its module, one training step on a batch, and
/// predictions for evaluation. The trainer owns the loop, the optimizer, the schedule, clipping, checkpoints and
/// metrics; the adapter owns the loss and the forward passes.
/// </summary>
/// <typeparam name="TBatch">The batch type the sources yield.</typeparam>
/// <remarks>
/// The trainer calls <see cref="TrainStep"/> and <see cref="Predict"/> inside a dispose scope it closes afterwards,
/// so adapters create tensors freely. It switches <see cref="Module"/> to training mode for steps and to eval mode under
/// <c>no_grad</c> for <see cref="Predict"/>.
/// </remarks>
public interface ITrainingModel<TBatch>
{
    /// <summary>
    /// Everything that trains and is checkpointed: its trainable parameters go to the optimizer, its state dict
    /// (parameters and buffers) is what checkpoints and best-weight snapshots hold.
    /// </summary>
    nn.Module Module { get; }

    /// <summary>Number of classes C of the logits <see cref="Predict"/> returns.</summary>
    int NumClasses { get; }

    /// <summary>Whether <see cref="TrainStep"/> honours <see cref="TrainingStepContext.ClassWeights"/>; the trainer rejects class weighting otherwise.</summary>
    bool SupportsClassWeights { get; }

    /// <summary>
    /// The adapter's own random generators (e.g. for negative sampling), available after <see cref="Initialize"/>;
    /// checkpoints save and restore their states. Empty when the adapter draws no random numbers of its own.
    /// </summary>
    IReadOnlyList<Generator> Generators { get; }

    /// <summary>Called once at the start of <c>Fit</c>, after <see cref="Module"/> moved to <paramref name="device"/>: create generators there, seeded from <paramref name="seed"/>.</summary>
    /// <param name="device">The training device.</param>
    /// <param name="seed">The run's seed (<see cref="TrainerOptions.Seed"/>).</param>
    void Initialize(Device device, long seed);

    /// <summary>
    /// The batch on <paramref name="device"/>: the batch itself when it is already there, otherwise a copy the trainer
    /// disposes after use (when it is <see cref="System.IDisposable"/>).
    /// </summary>
    TBatch ToDevice(TBatch batch, Device device);

    /// <summary>Number of samples in the batch (for throughput).</summary>
    int BatchSize(TBatch batch);

    /// <summary>The batch's class labels, int64 [B], on the batch's device (the batch owns the tensor).</summary>
    Tensor Labels(TBatch batch);

    /// <summary>
    /// One training step on a batch already on the training device: forward pass(es), loss, <c>backward</c> and
    /// <see cref="TrainingStepContext.Step"/> (which clips and runs the optimizer) as often as the method needs;
    /// call <see cref="TrainingStepContext.ZeroGrad"/> before each backward.
    /// </summary>
    /// <returns>Detached loss values by name for logging; by convention <c>"loss"</c> is the total.</returns>
    IReadOnlyDictionary<string, double> TrainStep(TBatch batch, TrainingStepContext context);

    /// <summary>Class logits [B, C] for a batch on the training device (called in eval mode under <c>no_grad</c>).</summary>
    Tensor Predict(TBatch batch);
}
