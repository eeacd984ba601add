namespace AuxLosses;

/// <summary>Detached values of one <see cref="SemiPushPullObjective.TrainStep"/> call, for logging.</summary>
public sealed record SemiPushPullStepResult
{
    /// <summary>Step-1 loss <c>w·CE + λ·L_img + λ·L_txt</c>.</summary>
    public required double Step1Loss { get; init; }

    /// <summary>The unweighted cross-entropy of step 1.</summary>
    public required double CrossEntropy { get; init; }

    /// <summary>The unweighted intra-modal image loss L_img of step 1.</summary>
    public required double ImageContrastive { get; init; }

    /// <summary>The unweighted intra-modal text loss L_txt of step 1.</summary>
    public required double TextContrastive { get; init; }

    /// <summary>Whether step 2 (L_inter and a second optimizer step) ran, i.e. the condition did not hold.</summary>
    public required bool Step2Ran { get; init; }

    /// <summary>The unweighted inter-modal loss L_inter of step 2; 0 when it did not run (as SPP-SCL logs it).</summary>
    public required double InterModal { get; init; }

    /// <summary>The condition on the fresh forward pass after step 1.</summary>
    public required SemiPushPullAlignmentCheck Alignment { get; init; }

    /// <summary>Shortcut for <see cref="SemiPushPullAlignmentCheck.Count"/> of <see cref="Alignment"/>.</summary>
    public long Count => Alignment.Count;

    /// <summary>Shortcut for <see cref="SemiPushPullAlignmentCheck.Threshold"/> of <see cref="Alignment"/>.</summary>
    public long Threshold => Alignment.Threshold;

    /// <summary>Step-1 loss plus the weighted L_inter when step 2 ran (SPP-SCL's logged <c>loss</c>).</summary>
    public required double Total { get; init; }
}
