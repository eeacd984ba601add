using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace AuxLosses.Models;

/// <summary>
/// The outcome of <see cref="WeightLoader.Load"/>: which module keys were filled, from which checkpoint keys,
/// and every missing, unexpected or mismatched key. Unlike TorchSharp's <c>load_state_dict</c> nothing is
/// silently broadcast or skipped: a key is either in <see cref="Loaded"/> or in one of the problem lists.
/// </summary>
public sealed class WeightLoadReport
{
    internal WeightLoadReport(
        IReadOnlyList<string> loaded,
        IReadOnlyDictionary<string, string> renamed,
        IReadOnlyList<string> converted,
        IReadOnlyList<string> missing,
        IReadOnlyList<string> unexpected,
        IReadOnlyList<WeightMismatch> mismatched,
        IReadOnlyList<string> ignoredMissing,
        IReadOnlyList<string> ignoredUnexpected)
    {
        Loaded = loaded;
        Renamed = renamed;
        Converted = converted;
        Missing = missing;
        Unexpected = unexpected;
        Mismatched = mismatched;
        IgnoredMissing = ignoredMissing;
        IgnoredUnexpected = ignoredUnexpected;
    }

    /// <summary>Module keys whose values were copied from the checkpoint (sorted).</summary>
    public IReadOnlyList<string> Loaded { get; }

    /// <summary>Checkpoint key → module key, for every loaded key whose name was mapped (prefix, gamma/beta, user rename).</summary>
    public IReadOnlyDictionary<string, string> Renamed { get; }

    /// <summary>Module keys whose values were converted from another dtype of the same kind (e.g. BF16 → F32).</summary>
    public IReadOnlyList<string> Converted { get; }

    /// <summary>Module keys no checkpoint key mapped to (excluding <see cref="IgnoredMissing"/>).</summary>
    public IReadOnlyList<string> Missing { get; }

    /// <summary>Checkpoint keys that map to no module key (excluding <see cref="IgnoredUnexpected"/>).</summary>
    public IReadOnlyList<string> Unexpected { get; }

    /// <summary>Keys present on both sides whose shape (or dtype kind) differs; these were not copied.</summary>
    public IReadOnlyList<WeightMismatch> Mismatched { get; }

    /// <summary>Missing module keys the options said to ignore.</summary>
    public IReadOnlyList<string> IgnoredMissing { get; }

    /// <summary>Unexpected checkpoint keys the options said to ignore (or the rename function dropped).</summary>
    public IReadOnlyList<string> IgnoredUnexpected { get; }

    /// <summary>True when nothing is missing, unexpected or mismatched.</summary>
    public bool IsClean => Missing.Count == 0 && Unexpected.Count == 0 && Mismatched.Count == 0;

    /// <summary>A multi-line summary listing every problem key.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.Append($"Loaded {Loaded.Count} tensors ({Renamed.Count} renamed, {Converted.Count} dtype-converted); ")
            .Append($"{Missing.Count} missing, {Unexpected.Count} unexpected, {Mismatched.Count} mismatched.");
        Section(text, "Missing (in the module, not in the checkpoint)", Missing);
        Section(text, "Unexpected (in the checkpoint, not in the module)", Unexpected);
        Section(text, "Mismatched", Mismatched.Select(m => m.ToString()).ToList());
        return text.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => Describe();

    private static void Section(StringBuilder text, string title, IReadOnlyList<string> keys)
    {
        if (keys.Count == 0)
        {
            return;
        }

        text.Append(Environment.NewLine).Append(title).Append(':');
        foreach (var key in keys)
        {
            text.Append(Environment.NewLine).Append("  ").Append(key);
        }
    }
}
