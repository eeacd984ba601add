using System;
using System.Collections.Generic;

namespace AuxLosses.Models;

/// <summary>How <see cref="WeightLoader"/> maps checkpoint keys to module keys and what it tolerates.</summary>
public sealed class WeightLoadOptions
{
    /// <summary>
    /// Throw <see cref="WeightLoadException"/> (and copy nothing) when any key is missing, unexpected or mismatched.
    /// Default true, like PyTorch's <c>load_state_dict(strict=True)</c>.
    /// </summary>
    public bool Strict { get; init; } = true;

    /// <summary>
    /// Prefixes a checkpoint key may carry that the module lacks, or the module may carry that the checkpoint lacks
    /// (a base-model checkpoint into a model with a head). Default: <c>bert.</c>, <c>roberta.</c>, <c>model.</c>,
    /// <c>module.</c> (the last as written by DataParallel). An exact key match always wins over a prefixed one.
    /// </summary>
    public IReadOnlyList<string> Prefixes { get; init; } = ["bert.", "roberta.", "model.", "module."];

    /// <summary>Map the old TensorFlow-era LayerNorm names <c>*.gamma</c>/<c>*.beta</c> to <c>*.weight</c>/<c>*.bias</c>. Default true.</summary>
    public bool RenameLegacyLayerNorm { get; init; } = true;

    /// <summary>
    /// A rename applied to every checkpoint key before any other mapping; return null to drop the key
    /// (it is then listed under <see cref="WeightLoadReport.IgnoredUnexpected"/>). Default none.
    /// </summary>
    public Func<string, string?>? Rename { get; init; }

    /// <summary>Module keys for which this returns true may be missing without failing strict loading (e.g. a fresh classifier head). Default none.</summary>
    public Func<string, bool>? IgnoreMissing { get; init; }

    /// <summary>Checkpoint keys for which this returns true may be unused without failing strict loading (e.g. a pretraining head). Default none.</summary>
    public Func<string, bool>? IgnoreUnexpected { get; init; }
}
