using System;
using System.Collections.Generic;
using System.IO;
using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>
/// Settings of <see cref="Trainer{TBatch}"/>. The defaults are a common BERT fine-tuning recipe: AdamW with
/// lr 2e-5, weight decay 0.01 (not on biases and normalization weights), β = (0.9, 0.999), ε = 1e-8, constant LR,
/// no clipping, 10 epochs, best epoch by validation weighted F1, seed 42, CPU. Validated when the trainer is built
/// (<see cref="ArgumentOutOfRangeException"/> naming the option).
/// </summary>
/// <remarks>
/// Learning rate at optimizer-step batch <c>s</c> (0-based, counted over the whole run) in epoch <c>e</c>:
/// <code>
/// lr_g(s, e) = base_g · min(1, (s + 1) / W) · γ^⌊e / S⌋
/// </code>
/// with W = <see cref="WarmupSteps"/> (or ⌈<see cref="WarmupRatio"/> · total batches⌉; no warmup when 0), S =
/// <see cref="LrStepSize"/> (no decay when null), γ = <see cref="LrGamma"/>; base_g is <see cref="LearningRate"/> or the
/// group's <see cref="ModuleLearningRates"/> entry. Unlike Hugging Face's linear warmup, the first step already uses
/// base/W rather than 0. The schedule is a pure function of (s, e), so a resumed run reproduces it exactly.
/// </remarks>
public sealed class TrainerOptions
{
    /// <summary>Number of passes over the training source. Default 10. ≥ 1.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Base learning rate of AdamW. Default 2e-5. Finite, &gt; 0.</summary>
    public double LearningRate { get; init; } = 2e-5;

    /// <summary>
    /// Decoupled weight decay of AdamW. Default 0.01 (PyTorch's AdamW default). Finite, ≥ 0. Applied only to parameters
    /// with at least 2 dimensions that do not belong to a normalization layer: biases, LayerNorm/BatchNorm/GroupNorm
    /// weights and scalars such as the ITC logit scale are not decayed (Hugging Face's <c>["bias", "LayerNorm.weight"]</c>
    /// rule, extended to every norm type and to open_clip's exclusion of scalars).
    /// </summary>
    public double WeightDecay { get; init; } = 0.01;

    /// <summary>AdamW β1. Default 0.9. In [0, 1).</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>AdamW β2. Default 0.999. In [0, 1).</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>AdamW ε. Default 1e-8. Finite, &gt; 0.</summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <summary>
    /// Base learning rates of sub-modules, keyed by parameter-name prefix (a module path in the trainable module's
    /// state dict, e.g. <c>"classifier.text_encoder"</c> for a pretrained encoder). A parameter takes the entry of the
    /// longest prefix that equals its name or is followed by a '.' in it; other parameters use <see cref="LearningRate"/>.
    /// Default empty. Every rate finite, &gt; 0; every prefix must match at least one trainable parameter.
    /// </summary>
    public IReadOnlyDictionary<string, double> ModuleLearningRates { get; init; } = new Dictionary<string, double>();

    /// <summary>Linear-warmup length in optimizer batches. Default 0 (none). ≥ 0; not together with <see cref="WarmupRatio"/>.</summary>
    public int WarmupSteps { get; init; }

    /// <summary>Linear-warmup length as a fraction of all training batches (rounded up). Default 0. In [0, 1].</summary>
    public double WarmupRatio { get; init; }

    /// <summary>StepLR period in epochs: the LR is multiplied by <see cref="LrGamma"/> every this many epochs. Default null (no decay). ≥ 1.</summary>
    public int? LrStepSize { get; init; }

    /// <summary>StepLR factor γ. Default 0.1 (PyTorch's). In (0, 1].</summary>
    public double LrGamma { get; init; } = 0.1;

    /// <summary>
    /// Clip gradients to this global L2 norm before every optimizer step (<c>clip_grad_norm_</c>). Default null (no
    /// clipping). Finite, &gt; 0.
    /// </summary>
    public double? MaxGradNorm { get; init; }

    /// <summary>Class weighting of the cross-entropy term. Default <see cref="ClassWeightMode.None"/>.</summary>
    public ClassWeightMode ClassWeighting { get; init; } = ClassWeightMode.None;

    /// <summary>
    /// The weights for <see cref="ClassWeightMode.Explicit"/>, one per class (index = class). Default null. Each finite
    /// and ≥ 0, at least one &gt; 0; required (and only allowed) with Explicit.
    /// </summary>
    public IReadOnlyList<double>? ClassWeights { get; init; }

    /// <summary>The validation metric that selects the best epoch and drives early stopping. Default <see cref="ModelSelectionMetric.WeightedF1"/>.</summary>
    public ModelSelectionMetric SelectionMetric { get; init; } = ModelSelectionMetric.WeightedF1;

    /// <summary>
    /// Stop after this many consecutive epochs without an improvement of the selection metric greater than
    /// <see cref="MinDelta"/>. Default null (never stop early). ≥ 1. Needs a validation source.
    /// </summary>
    public int? EarlyStoppingPatience { get; init; }

    /// <summary>The smallest increase of the selection metric that counts as an improvement. Default 0 (any increase). Finite, ≥ 0.</summary>
    public double MinDelta { get; init; }

    /// <summary>
    /// Load the best epoch's weights into the model when training ends. Default true. Either way the test source is
    /// evaluated with the best epoch's weights.
    /// </summary>
    public bool RestoreBestWeights { get; init; } = true;

    /// <summary>Evaluate the test source after every epoch too (for the history), not only at the best epoch. Default false.</summary>
    public bool EvaluateTestEveryEpoch { get; init; }

    /// <summary>
    /// Directory for checkpoints (created if missing). Default null (no checkpoints; best weights are kept in memory).
    /// A checkpoint is written at every epoch end, every <see cref="CheckpointEverySteps"/> batches, and when
    /// <c>Fit</c> is cancelled.
    /// </summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>Also checkpoint every this many training batches. Default 0 (epoch ends and cancellation only). ≥ 0.</summary>
    public int CheckpointEverySteps { get; init; }

    /// <summary>How many checkpoints to keep (older ones are deleted). Default 2. ≥ 1.</summary>
    public int KeepCheckpoints { get; init; } = 2;

    /// <summary>
    /// Continue from the latest checkpoint in <see cref="CheckpointDirectory"/> when there is one (otherwise start
    /// fresh). Default false. Needs <see cref="CheckpointDirectory"/>.
    /// </summary>
    public bool Resume { get; init; }

    /// <summary>
    /// JSON-lines metrics log: one object per line, <c>"type": "step"</c> every <see cref="LogEverySteps"/> batches
    /// (global step, epoch, batch, lr, loss terms, grad norm, optimizer steps, samples/s), <c>"epoch"</c> at every epoch
    /// end (mean train losses, val/test metrics, best epoch) and <c>"end"</c> once (best validation, test at the best
    /// epoch). A fresh run overwrites the file; a resumed run keeps the lines up to the checkpoint's step and continues
    /// it, so the log of an interrupted run equals an uninterrupted one's. Default null (no log).
    /// </summary>
    public string? MetricsLogPath { get; init; }

    /// <summary>Batches between step records (metrics log and plain progress). Default 10. ≥ 1.</summary>
    public int LogEverySteps { get; init; } = 10;

    /// <summary>Progress display. Default <see cref="ProgressMode.Auto"/>.</summary>
    public ProgressMode Progress { get; init; } = ProgressMode.Auto;

    /// <summary>Where progress goes. Default null (standard output).</summary>
    public TextWriter? ProgressWriter { get; init; }

    /// <summary>
    /// Seed of torch's global generator (dropout) and of the adapters' generators (negative sampling), set when a
    /// fresh run starts. Default 42.
    /// </summary>
    public long Seed { get; init; } = 42;

    /// <summary>Device the model and batches live on. Default null (CPU).</summary>
    public Device? Device { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first bad option.</summary>
    internal void Validate()
    {
        Check(Epochs >= 1, nameof(Epochs), Epochs, "must be ≥ 1");
        Check(double.IsFinite(LearningRate) && LearningRate > 0, nameof(LearningRate), LearningRate, "must be finite and > 0");
        Check(double.IsFinite(WeightDecay) && WeightDecay >= 0, nameof(WeightDecay), WeightDecay, "must be finite and ≥ 0");
        Check(Beta1 is >= 0 and < 1, nameof(Beta1), Beta1, "must be in [0, 1)");
        Check(Beta2 is >= 0 and < 1, nameof(Beta2), Beta2, "must be in [0, 1)");
        Check(double.IsFinite(Epsilon) && Epsilon > 0, nameof(Epsilon), Epsilon, "must be finite and > 0");
        Check(ModuleLearningRates is not null, nameof(ModuleLearningRates), null, "must not be null");
        foreach (var (prefix, rate) in ModuleLearningRates!)
        {
            Check(!string.IsNullOrWhiteSpace(prefix), nameof(ModuleLearningRates), prefix, "keys must be non-empty parameter-name prefixes");
            Check(double.IsFinite(rate) && rate > 0, nameof(ModuleLearningRates), rate, $"the rate of '{prefix}' must be finite and > 0");
        }

        Check(WarmupSteps >= 0, nameof(WarmupSteps), WarmupSteps, "must be ≥ 0");
        Check(WarmupRatio is >= 0 and <= 1, nameof(WarmupRatio), WarmupRatio, "must be in [0, 1]");
        Check(WarmupSteps == 0 || WarmupRatio == 0, nameof(WarmupRatio), WarmupRatio, $"set either {nameof(WarmupSteps)} ({WarmupSteps}) or {nameof(WarmupRatio)}, not both");
        Check(LrStepSize is null or >= 1, nameof(LrStepSize), LrStepSize, "must be ≥ 1 epoch (or null for no decay)");
        Check(LrGamma is > 0 and <= 1, nameof(LrGamma), LrGamma, "must be in (0, 1]");
        Check(MaxGradNorm is null || (double.IsFinite(MaxGradNorm.Value) && MaxGradNorm > 0), nameof(MaxGradNorm), MaxGradNorm, "must be finite and > 0 (or null for no clipping)");
        Check(Enum.IsDefined(ClassWeighting), nameof(ClassWeighting), ClassWeighting, "is not a defined ClassWeightMode");
        if (ClassWeighting == ClassWeightMode.Explicit)
        {
            Check(ClassWeights is { Count: > 0 }, nameof(ClassWeights), null, "must list one weight per class when ClassWeighting is Explicit");
            var anyPositive = false;
            foreach (var w in ClassWeights!)
            {
                Check(double.IsFinite(w) && w >= 0, nameof(ClassWeights), w, "every weight must be finite and ≥ 0");
                anyPositive |= w > 0;
            }

            Check(anyPositive, nameof(ClassWeights), null, "at least one weight must be > 0");
        }
        else
        {
            Check(ClassWeights is null, nameof(ClassWeights), ClassWeights?.Count, $"is only used with ClassWeighting = Explicit (it is {ClassWeighting})");
        }

        Check(Enum.IsDefined(SelectionMetric), nameof(SelectionMetric), SelectionMetric, "is not a defined ModelSelectionMetric");
        Check(EarlyStoppingPatience is null or >= 1, nameof(EarlyStoppingPatience), EarlyStoppingPatience, "must be ≥ 1 (or null to never stop early)");
        Check(double.IsFinite(MinDelta) && MinDelta >= 0, nameof(MinDelta), MinDelta, "must be finite and ≥ 0");
        Check(CheckpointEverySteps >= 0, nameof(CheckpointEverySteps), CheckpointEverySteps, "must be ≥ 0");
        Check(KeepCheckpoints >= 1, nameof(KeepCheckpoints), KeepCheckpoints, "must be ≥ 1");
        Check(!Resume || !string.IsNullOrWhiteSpace(CheckpointDirectory), nameof(Resume), Resume, $"needs {nameof(CheckpointDirectory)}");
        Check(CheckpointEverySteps == 0 || !string.IsNullOrWhiteSpace(CheckpointDirectory), nameof(CheckpointEverySteps), CheckpointEverySteps, $"needs {nameof(CheckpointDirectory)}");
        Check(LogEverySteps >= 1, nameof(LogEverySteps), LogEverySteps, "must be ≥ 1");
        Check(Enum.IsDefined(Progress), nameof(Progress), Progress, "is not a defined ProgressMode");
    }

    /// <summary>The exception for a bad option: the parameter name is the option's name.</summary>
    internal static ArgumentOutOfRangeException OutOfRange(string option, object? value, string rule) =>
        new(option, value, $"TrainerOptions.{option} {rule}; got {value ?? "null"}.");

    private static void Check(bool ok, string option, object? value, string rule)
    {
        if (!ok)
        {
            throw OutOfRange(option, value, rule);
        }
    }
}
