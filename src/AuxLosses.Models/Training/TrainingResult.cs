using System;
using System.Collections.Generic;

namespace AuxLosses.Models;

/// <summary>What <see cref="Trainer{TBatch}.Fit"/> returns.</summary>
/// <param name="History">One record per completed epoch, in order (earlier sessions' epochs included after a resume).</param>
/// <param name="BestEpoch">The epoch with the best validation metric (the last epoch without a validation source).</param>
/// <param name="BestValidation">Validation metrics at <paramref name="BestEpoch"/>, or null without a validation source.</param>
/// <param name="Test">Test metrics with the best epoch's weights, or null without a test source.</param>
/// <param name="StoppedEarly">Whether early stopping ended the run before <see cref="TrainerOptions.Epochs"/>.</param>
/// <param name="GlobalSteps">Training batches completed over the whole run.</param>
/// <param name="OptimizerSteps">Optimizer steps over the whole run.</param>
/// <param name="WallTime">Wall time of training over all sessions (a resumed run adds the earlier sessions' time up to their checkpoint).</param>
/// <param name="ResumedFrom">The checkpoint directory this session resumed from, or null for a fresh run.</param>
public sealed record TrainingResult(
    IReadOnlyList<EpochRecord> History,
    int BestEpoch,
    EvaluationResult? BestValidation,
    EvaluationResult? Test,
    bool StoppedEarly,
    long GlobalSteps,
    long OptimizerSteps,
    TimeSpan WallTime,
    string? ResumedFrom);
