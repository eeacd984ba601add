namespace AuxLosses.Reproduce.Cli;

/// <summary>Which model and training loop a run uses (--mode).</summary>
internal enum TrainingMode
{
    /// <summary>The paper's late-fusion classifier with CE (+ ITC, ITM): run_mm_late.py.</summary>
    Late,

    /// <summary>SPP-SCL's model with its two-step (or, with --one-step, one-step) supervised contrastive training.</summary>
    SppScl,

    /// <summary>Common-space fusion (Duong et al., 2017): CE plus the common-space loss.</summary>
    CommonSpace,
}
