namespace AuxLosses.Models;

/// <summary>How <see cref="Trainer{TBatch}"/> shows progress.</summary>
public enum ProgressMode
{
    /// <summary>
    /// <see cref="Bar"/> when standard output is an interactive terminal and the <c>CI</c> environment variable is
    /// unset; otherwise <see cref="Plain"/>. A custom <see cref="TrainerOptions.ProgressWriter"/> always gets
    /// <see cref="Plain"/>.
    /// </summary>
    Auto,

    /// <summary>One line rewritten in place (carriage return): epoch, batch, loss, samples/s and the epoch's ETA.</summary>
    Bar,

    /// <summary>A line every <see cref="TrainerOptions.LogEverySteps"/> steps and one per epoch (for logs and CI).</summary>
    Plain,

    /// <summary>No output.</summary>
    None,
}
