using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>
/// What <see cref="ITrainingModel{TBatch}.TrainStep"/> receives: the optimizer controls (zero_grad, clip + step) and
/// the step's position, device and class weights. Created by <see cref="Trainer{TBatch}"/>, one per run.
/// </summary>
public sealed class TrainingStepContext
{
    private readonly AdamW optimizer;
    private readonly Parameter[] parameters;
    private readonly double? maxGradNorm;

    internal TrainingStepContext(AdamW optimizer, Parameter[] parameters, double? maxGradNorm, Device device, Tensor? classWeights)
    {
        this.optimizer = optimizer;
        this.parameters = parameters;
        this.maxGradNorm = maxGradNorm;
        Device = device;
        ClassWeights = classWeights;
    }

    /// <summary>The training device.</summary>
    public Device Device { get; }

    /// <summary>Cross-entropy class weights [C] (float32, on <see cref="Device"/>), or null for unweighted CE.</summary>
    public Tensor? ClassWeights { get; }

    /// <summary>The 0-based epoch.</summary>
    public int Epoch { get; internal set; }

    /// <summary>The 0-based index of this batch within its epoch.</summary>
    public int BatchIndex { get; internal set; }

    /// <summary>The 0-based index of this batch over the whole run (the scheduler position).</summary>
    public long GlobalStep { get; internal set; }

    /// <summary>The base learning rate in effect for this batch (<see cref="TrainerOptions.LearningRate"/> times the schedule factor).</summary>
    public double LearningRate { get; internal set; }

    /// <summary>Optimizer steps taken so far for this batch.</summary>
    public int OptimizerSteps { get; private set; }

    /// <summary>Global gradient norm before clipping at the last <see cref="Step"/> of this batch; NaN without clipping.</summary>
    public double LastGradNorm { get; private set; } = double.NaN;

    /// <summary>
    /// Clears the gradients of every optimized parameter by setting them to none (PyTorch's
    /// <c>zero_grad(set_to_none=True)</c>): a parameter that then gets no gradient is skipped by the next step, its
    /// AdamW moments and weight decay untouched.
    /// </summary>
    public void ZeroGrad() => optimizer.ZeroGrad();

    /// <summary>
    /// Clips the gradients to <see cref="TrainerOptions.MaxGradNorm"/> (when set) and takes one <see cref="AdamW.Step"/>.
    /// </summary>
    /// <returns>The global L2 gradient norm before clipping, or NaN when clipping is off.</returns>
    public double Step()
    {
        var norm = double.NaN;
        if (maxGradNorm is { } max)
        {
            norm = nn.utils.clip_grad_norm_(parameters, max);
            if (!double.IsFinite(norm))
            {
                throw new InvalidOperationException($"The gradient norm is {norm} at epoch {Epoch}, batch {BatchIndex} (global step {GlobalStep}); the loss or a gradient is not finite.");
            }
        }

        optimizer.Step();
        OptimizerSteps++;
        LastGradNorm = norm;
        return norm;
    }

    internal void BeginBatch(int epoch, int batchIndex, long globalStep, double learningRate)
    {
        Epoch = epoch;
        BatchIndex = batchIndex;
        GlobalStep = globalStep;
        LearningRate = learningRate;
        OptimizerSteps = 0;
        LastGradNorm = double.NaN;
    }
}
