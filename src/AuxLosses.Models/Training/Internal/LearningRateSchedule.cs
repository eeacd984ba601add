using System;

namespace AuxLosses.Models.Internal;

/// <summary>Linear warmup then StepLR, as a pure function of the batch index and the epoch (see <see cref="TrainerOptions"/>).</summary>
internal sealed class LearningRateSchedule
{
    public LearningRateSchedule(int warmupSteps, int? stepSize, double gamma)
    {
        WarmupSteps = warmupSteps;
        StepSize = stepSize;
        Gamma = gamma;
    }

    public int WarmupSteps { get; }

    public int? StepSize { get; }

    public double Gamma { get; }

    /// <summary>Warmup length from the options: the explicit step count, or ⌈ratio · total⌉ (Hugging Face's rounding).</summary>
    public static int ResolveWarmup(TrainerOptions options, long totalSteps) =>
        options.WarmupSteps > 0 ? options.WarmupSteps : (int)Math.Ceiling(options.WarmupRatio * totalSteps);

    /// <summary>min(1, (s + 1) / W) · γ^⌊e / S⌋ for the batch with 0-based global index <paramref name="step"/> in <paramref name="epoch"/>.</summary>
    public double Factor(long step, int epoch)
    {
        var warmup = WarmupSteps > 0 ? Math.Min(1.0, (step + 1) / (double)WarmupSteps) : 1.0;
        var decay = StepSize is { } size ? Math.Pow(Gamma, epoch / size) : 1.0;
        return warmup * decay;
    }
}
