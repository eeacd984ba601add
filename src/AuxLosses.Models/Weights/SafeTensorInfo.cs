using System;
using System.Collections.Generic;
using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>One tensor entry of a safetensors header, already validated against the file.</summary>
/// <param name="Name">The tensor key, e.g. <c>encoder.layer.0.attention.self.query.weight</c>.</param>
/// <param name="DType">The element type.</param>
/// <param name="Shape">The dimensions (empty for a scalar).</param>
/// <param name="DataBegin">Start of the tensor's bytes, relative to the data section (after the header).</param>
/// <param name="DataEnd">End (exclusive) of the tensor's bytes, relative to the data section.</param>
public sealed record SafeTensorInfo(string Name, ScalarType DType, IReadOnlyList<long> Shape, long DataBegin, long DataEnd)
{
    /// <summary>The number of bytes the tensor occupies: numel · itemsize.</summary>
    public long ByteLength => DataEnd - DataBegin;

    /// <summary>The number of elements (1 for a scalar).</summary>
    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (var d in Shape)
            {
                n *= d;
            }

            return n;
        }
    }

    /// <summary>The shape as an array, as TorchSharp factories take it.</summary>
    public long[] ShapeArray() => [.. Shape];

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {DType} [{string.Join(", ", Shape)}] @ [{DataBegin}, {DataEnd})";

    /// <inheritdoc />
    public bool Equals(SafeTensorInfo? other) =>
        other is not null && Name == other.Name && DType == other.DType && DataBegin == other.DataBegin
        && DataEnd == other.DataEnd && System.Linq.Enumerable.SequenceEqual(Shape, other.Shape);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, DType, DataBegin, DataEnd, Shape.Count);
}
