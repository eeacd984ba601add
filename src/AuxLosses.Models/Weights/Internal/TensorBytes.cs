using System;
using System.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Models.Internal;

/// <summary>
/// Moves raw little-endian tensor bytes between CPU tensors and streams in bounded chunks, so no managed buffer
/// is ever as large as the tensor and tensors over 2 GiB (beyond a <see cref="Span{T}"/>) still work.
/// </summary>
internal static class TensorBytes
{
    private const long ChunkBytes = 1 << 20;

    /// <summary>Fills the contiguous CPU tensor <paramref name="target"/> from the stream's current position.</summary>
    /// <returns>False when <paramref name="target"/> is boolean and a byte other than 0 or 1 was read (not a valid bool).</returns>
    public static bool ReadInto(Tensor target, Stream stream)
    {
        var valid = true;
        var isBool = target.dtype == ScalarType.Bool;
        ForEachChunk(target, chunk =>
        {
            var span = chunk.bytes;
            stream.ReadExactly(span);
            if (isBool && span.IndexOfAnyExcept((byte)0, (byte)1) >= 0)
            {
                valid = false;
            }
        });
        return valid;
    }

    /// <summary>Writes the contiguous CPU tensor <paramref name="source"/> to the stream.</summary>
    public static void Write(Tensor source, Stream stream) => ForEachChunk(source, chunk => stream.Write(chunk.bytes));

    private static void ForEachChunk(Tensor tensor, Action<Tensor> action)
    {
        var numel = tensor.numel();
        if (numel == 0)
        {
            return;
        }

        var itemSize = tensor.ElementSize;
        var perChunk = Math.Max(1, ChunkBytes / itemSize);
        using var scope = NewDisposeScope();
        // A flat view shares storage, so narrowed chunks read and write the tensor itself.
        var flat = tensor.view(-1);
        for (long start = 0; start < numel; start += perChunk)
        {
            using var chunk = flat.narrow(0, start, Math.Min(perChunk, numel - start));
            action(chunk);
        }
    }
}
