using System.Collections.Generic;
using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>A checkpoint tensor that matched a module key but cannot be copied into it.</summary>
/// <param name="Key">The module's state-dict key.</param>
/// <param name="SourceKey">The checkpoint key it was mapped from.</param>
/// <param name="ExpectedShape">The module tensor's shape.</param>
/// <param name="ActualShape">The checkpoint tensor's shape.</param>
/// <param name="ExpectedDType">The module tensor's dtype.</param>
/// <param name="ActualDType">The checkpoint tensor's dtype.</param>
public sealed record WeightMismatch(
    string Key,
    string SourceKey,
    IReadOnlyList<long> ExpectedShape,
    IReadOnlyList<long> ActualShape,
    ScalarType ExpectedDType,
    ScalarType ActualDType)
{
    /// <summary>Why the copy was refused: a shape difference, or a dtype of another kind (floating vs integer vs bool).</summary>
    public string Reason => System.Linq.Enumerable.SequenceEqual(ExpectedShape, ActualShape)
        ? $"dtype {ActualDType} cannot be converted to {ExpectedDType}"
        : $"shape [{string.Join(", ", ActualShape)}] does not match [{string.Join(", ", ExpectedShape)}]";

    /// <inheritdoc />
    public override string ToString() => SourceKey == Key ? $"{Key}: {Reason}" : $"{Key} (from {SourceKey}): {Reason}";
}
