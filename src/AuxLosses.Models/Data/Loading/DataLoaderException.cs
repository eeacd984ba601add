using System;
using System.Collections.Generic;
using System.Linq;

namespace AuxLosses.Models;

/// <summary>
/// Collating a batch failed (an image file missing or corrupt, a text the tokenizer rejects, ...). Thrown on the
/// thread that enumerates <see cref="DataLoader{TItem, TBatch}.GetBatches(int, int)"/>, in batch order, after every
/// earlier batch was handed out; the original exception, from whichever thread collated, is the
/// <see cref="Exception.InnerException"/>.
/// </summary>
public sealed class DataLoaderException : Exception
{
    private const int IdsInMessage = 8;

    /// <summary>Creates the exception for batch <paramref name="batchIndex"/> of epoch <paramref name="epoch"/>.</summary>
    /// <param name="epoch">The 0-based epoch.</param>
    /// <param name="batchIndex">The 0-based batch index within the epoch (counting skipped batches).</param>
    /// <param name="itemIndices">Positions in the loader's item list of the batch's items, in batch order.</param>
    /// <param name="itemIds">The items' ids where the loader knows them, otherwise null.</param>
    /// <param name="innerException">What the collate function threw.</param>
    public DataLoaderException(int epoch, int batchIndex, IReadOnlyList<int> itemIndices, IReadOnlyList<string>? itemIds, Exception innerException)
        : base(Describe(epoch, batchIndex, itemIndices, itemIds, innerException), innerException)
    {
        Epoch = epoch;
        BatchIndex = batchIndex;
        ItemIndices = itemIndices;
        ItemIds = itemIds;
    }

    /// <summary>Creates the exception with a default message (no batch information).</summary>
    public DataLoaderException()
        : this("Collating a batch failed.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> (no batch information).</summary>
    /// <param name="message">The message.</param>
    public DataLoaderException(string message)
        : base(message)
    {
        BatchIndex = -1;
        Epoch = -1;
        ItemIndices = [];
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause (no batch information).</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public DataLoaderException(string message, Exception innerException)
        : base(message, innerException)
    {
        BatchIndex = -1;
        Epoch = -1;
        ItemIndices = [];
    }

    /// <summary>The 0-based epoch (-1 where unknown).</summary>
    public int Epoch { get; }

    /// <summary>The 0-based batch index within the epoch, counting skipped batches (-1 where unknown).</summary>
    public int BatchIndex { get; }

    /// <summary>Positions in the loader's item list of the failed batch's items, in batch order.</summary>
    public IReadOnlyList<int> ItemIndices { get; }

    /// <summary>Ids of the failed batch's items (e.g. post ids) where the loader was given an id function; otherwise null.</summary>
    public IReadOnlyList<string>? ItemIds { get; }

    private static string Describe(int epoch, int batchIndex, IReadOnlyList<int> indices, IReadOnlyList<string>? ids, Exception inner)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(inner);
        var items = ids is null ? "items " + List(indices.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), indices.Count)
                                : "ids " + List(ids, ids.Count);
        return $"Collating batch {batchIndex} of epoch {epoch} ({items}) failed: {inner.Message}";
    }

    private static string List(IEnumerable<string> values, int count) =>
        "[" + string.Join(", ", values.Take(IdsInMessage)) + (count > IdsInMessage ? $", ... ({count} in all)" : string.Empty) + "]";
}
