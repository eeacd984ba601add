using System;
using System.Collections.Generic;

namespace AuxLosses.Models;

/// <summary>The summary of one epoch in <see cref="TrainingResult.History"/>.</summary>
/// <param name="Epoch">0-based epoch.</param>
/// <param name="TrainLosses">Mean of each loss term over the epoch's batches.</param>
/// <param name="LearningRate">The base learning rate of the epoch's last batch.</param>
/// <param name="Validation">Validation metrics, or null without a validation source.</param>
/// <param name="Test">Test metrics when <see cref="TrainerOptions.EvaluateTestEveryEpoch"/>; otherwise null.</param>
/// <param name="IsBest">Whether this epoch became the best so far by <see cref="TrainerOptions.SelectionMetric"/>.</param>
/// <param name="Duration">Wall time of the epoch's training and evaluation (of the last session when resumed mid-epoch).</param>
public sealed record EpochRecord(
    int Epoch,
    IReadOnlyDictionary<string, double> TrainLosses,
    double LearningRate,
    EvaluationResult? Validation,
    EvaluationResult? Test,
    bool IsBest,
    TimeSpan Duration);
