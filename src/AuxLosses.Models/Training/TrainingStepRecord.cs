using System.Collections.Generic;

namespace AuxLosses.Models;

/// <summary>One training batch, as <see cref="Trainer{TBatch}.StepCompleted"/> reports it (and the metrics log writes every <see cref="TrainerOptions.LogEverySteps"/> batches).</summary>
/// <param name="Epoch">0-based epoch.</param>
/// <param name="BatchIndex">0-based batch within the epoch.</param>
/// <param name="GlobalStep">Batches completed over the whole run, this one included (1-based).</param>
/// <param name="Losses">The adapter's detached loss values by name (<c>"loss"</c> = total).</param>
/// <param name="LearningRate">The base learning rate used for this batch.</param>
/// <param name="GradNorm">Global gradient norm before clipping at the batch's last optimizer step; NaN without clipping.</param>
/// <param name="OptimizerSteps">Optimizer steps taken for this batch (2 for SPP-SCL when its step 2 runs).</param>
/// <param name="SamplesPerSecond">Training throughput since the previous record.</param>
public sealed record TrainingStepRecord(
    int Epoch,
    int BatchIndex,
    long GlobalStep,
    IReadOnlyDictionary<string, double> Losses,
    double LearningRate,
    double GradNorm,
    int OptimizerSteps,
    double SamplesPerSecond);
