namespace AuxLosses.QuickStart;

/// <summary>The training objectives the demo compares, all on the same late-fusion classifier.</summary>
internal enum DemoObjective
{
    /// <summary>Cross-entropy only: the baseline.</summary>
    CrossEntropy,

    /// <summary>0.9·CE + 0.1·ITC (the paper's weights).</summary>
    CrossEntropyItc,

    /// <summary>0.9·CE + 0.1·ITM with the paper's random swap.</summary>
    CrossEntropyItm,

    /// <summary>0.8·CE + 0.1·ITC + 0.1·ITM.</summary>
    CrossEntropyItcItm,

    /// <summary>SPP-SCL's two-step semi-push-pull (5·CE + intra-modal SupCon, then inter-modal SupCon when unaligned).</summary>
    SppScl,
}
