using System;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Internal;

/// <summary>Checks of pair indices and fused outputs shared by the pair encoders and the ITM loss.</summary>
internal static class PairIndexGuard
{
    /// <summary>
    /// Throws unless both indices are 1-D int64/int32 tensors of equal, non-zero length on <paramref name="device"/>
    /// with values in [0, <paramref name="batchSize"/>). One host synchronization for all four bounds.
    /// </summary>
    public static void Indices(Tensor? imageIndex, string imageName, Tensor? textIndex, string textName, long batchSize, Device device)
    {
        Index(imageIndex, imageName, device);
        Index(textIndex, textName, device);
        if (imageIndex.shape[0] != textIndex.shape[0])
        {
            throw new ArgumentException(
                $"{imageName} and {textName} must have the same length, but {imageName} is {TensorGuard.Shape(imageIndex)} and {textName} is {TensorGuard.Shape(textIndex)}.",
                textName);
        }

        using var scope = NewDisposeScope();
        var bounds = stack(new[] { imageIndex.min(), imageIndex.max(), textIndex.min(), textIndex.max() }).to(ScalarType.Int64).cpu().data<long>().ToArray();
        Range(bounds[0], bounds[1], imageName, batchSize);
        Range(bounds[2], bounds[3], textName, batchSize);
    }

    /// <summary>Throws unless <paramref name="fused"/> is a floating-point <c>[rows, *]</c> matrix.</summary>
    public static void Fused(Tensor? fused, string name, long rows)
    {
        TensorGuard.Features(fused, name, 2);
        if (fused!.shape[0] != rows)
        {
            throw new ArgumentException($"{name} must have one row per requested pair ({rows}), but its shape is {TensorGuard.Shape(fused)}.", name);
        }
    }

    private static void Index([System.Diagnostics.CodeAnalysis.NotNull] Tensor? index, string name, Device device)
    {
        ArgumentNullException.ThrowIfNull(index, name);
        if (index.IsInvalid)
        {
            throw new ArgumentException($"{name} has been disposed.", name);
        }

        if (index.dtype is not (ScalarType.Int64 or ScalarType.Int32))
        {
            throw new ArgumentException($"{name} must be an int64 (or int32) index tensor, but its dtype is {index.dtype}.", name);
        }

        if (index.dim() != 1 || index.shape[0] == 0)
        {
            throw new ArgumentException($"{name} must be a non-empty 1-D index tensor [N], but its shape is {TensorGuard.Shape(index)}.", name);
        }

        if (index.device.type != device.type || (index.device.index != device.index && index.device.index >= 0 && device.index >= 0))
        {
            throw new ArgumentException($"{name} must be on {device}, where the pair encoder's inputs live, but it is on {index.device}.", name);
        }
    }

    private static void Range(long min, long max, string name, long batchSize)
    {
        if (min < 0 || max >= batchSize)
        {
            var bad = min < 0 ? min : max;
            throw new ArgumentOutOfRangeException(name, bad, $"{name} must index rows in [0, {batchSize}), but it contains {bad}.");
        }
    }
}
