using System.Collections.Generic;

namespace AuxLosses.Models.Internal;

/// <summary>
/// The JSON part of a checkpoint (<c>trainer.json</c>): the loop position and everything that is not a tensor.
/// Doubles round-trip exactly (System.Text.Json writes the shortest round-trippable form).
/// </summary>
internal sealed class TrainerState
{
    // 2: the optimizer state is AdamW's safetensors file (version 1 held TorchSharp's optimizer.bin).
    public const int CurrentVersion = 2;

    public int Version { get; set; } = CurrentVersion;

    /// <summary>The epoch to continue in (0-based).</summary>
    public int Epoch { get; set; }

    /// <summary>Batches of <see cref="Epoch"/> already trained (the <c>skipBatches</c> of the resume).</summary>
    public int BatchInEpoch { get; set; }

    /// <summary>Batches trained over the run (the scheduler position).</summary>
    public long GlobalStep { get; set; }

    public long OptimizerSteps { get; set; }

    public int BatchesPerEpoch { get; set; }

    public int Epochs { get; set; }

    public long Seed { get; set; }

    public double[]? ClassWeights { get; set; }

    /// <summary>Running sums of the current epoch's loss terms, and how many batches they cover.</summary>
    public Dictionary<string, double> EpochLossSums { get; set; } = new();

    public int EpochBatches { get; set; }

    public double LastLearningRate { get; set; }

    public double BestScore { get; set; } = double.NegativeInfinity;

    public int BestEpoch { get; set; } = -1;

    /// <summary>File name (in the checkpoint directory) of the best epoch's weights, or null.</summary>
    public string? BestWeightsFile { get; set; }

    public int EpochsWithoutImprovement { get; set; }

    public bool StoppedEarly { get; set; }

    public double ElapsedSeconds { get; set; }

    public List<EpochState> History { get; set; } = new();
}

/// <summary>One epoch of <see cref="TrainerState.History"/>.</summary>
internal sealed class EpochState
{
    public int Epoch { get; set; }

    public Dictionary<string, double> TrainLosses { get; set; } = new();

    public double LearningRate { get; set; }

    public EvaluationState? Validation { get; set; }

    public EvaluationState? Test { get; set; }

    public bool IsBest { get; set; }

    public double Seconds { get; set; }
}

/// <summary>An <see cref="EvaluationResult"/> as its confusion matrix and loss.</summary>
internal sealed class EvaluationState
{
    public long[][] Confusion { get; set; } = [];

    public double Loss { get; set; }
}
