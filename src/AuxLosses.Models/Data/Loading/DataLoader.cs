using System;
using System.Collections.Generic;
using System.Threading;
using AuxLosses.Models.Internal;

namespace AuxLosses.Models;

/// <summary>
/// Splits a list of items into batches, one pass per epoch, and collates each batch with a caller-given function,
/// on background threads while the consumer trains (PyTorch's <c>DataLoader</c> with <c>num_workers</c>, in-process).
/// </summary>
/// <remarks>
/// <para>
/// Order: epoch <c>e</c> visits the items in a Fisher–Yates permutation drawn from SplitMix64 seeded by
/// (<see cref="DataLoaderOptions.Seed"/>, <c>e</c>) — a pure function of the two, the same for any worker count and
/// .NET version (see <see cref="GetItemOrder"/>). Batches are handed out in that order whatever order the workers finish
/// in, so <c>GetBatches(e, skipBatches: k)</c> resumes an interrupted epoch exactly, without collating the skipped
/// batches.
/// </para>
/// <para>
/// Threads: each enumeration starts its own workers (none when <see cref="DataLoaderOptions.Workers"/> is 0) and at most
/// <see cref="DataLoaderOptions.PrefetchBatches"/> batches are collated ahead. Disposing the enumerator — what
/// <c>foreach</c> does on <c>break</c>, on an exception or at the end — stops and joins the workers and disposes every
/// collated batch not yet handed out (when <typeparamref name="TBatch"/> is <see cref="IDisposable"/>). Batches handed out
/// belong to the consumer. A collate failure surfaces on the consumer's thread as a <see cref="DataLoaderException"/>,
/// at its batch's place in the order.
/// </para>
/// <para>
/// The loader is immutable (it copies the item list) and several enumerations may run at once, on any threads. The collate
/// function must be safe to call concurrently when <see cref="DataLoaderOptions.Workers"/> exceeds 1. TorchSharp dispose
/// scopes are per thread, so a collate function on a worker should create the batch's tensors outside any scope (or detach
/// them) and dispose its temporaries itself, as <see cref="PostBatchCollator"/> does.
/// </para>
/// </remarks>
/// <typeparam name="TItem">One example (e.g. <see cref="SocialMediaPost"/>).</typeparam>
/// <typeparam name="TBatch">The collated batch (e.g. <see cref="PostBatch"/>); the consumer disposes what it receives.</typeparam>
public sealed class DataLoader<TItem, TBatch> : IBatchSource<TBatch>
{
    private readonly TItem[] _items;
    private readonly Func<IReadOnlyList<TItem>, TBatch> _collate;
    private readonly Func<TItem, string>? _itemId;

    /// <summary>Creates a loader over a copy of <paramref name="items"/>.</summary>
    /// <param name="items">The examples, in their natural (unshuffled) order.</param>
    /// <param name="collate">Turns the items of one batch, in batch order, into a batch; may run on several threads at once.</param>
    /// <param name="options">Batching, shuffling and threading; null uses the defaults of <see cref="DataLoaderOptions"/>.</param>
    /// <param name="itemId">Names an item in <see cref="DataLoaderException"/> (e.g. a post's id); null reports list positions only.</param>
    /// <exception cref="ArgumentNullException"><paramref name="items"/> or <paramref name="collate"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name names it.</exception>
    public DataLoader(IReadOnlyList<TItem> items, Func<IReadOnlyList<TItem>, TBatch> collate, DataLoaderOptions? options = null,
        Func<TItem, string>? itemId = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(collate);
        Options = options ?? new DataLoaderOptions();
        Options.Validate();
        _items = [.. items];
        _collate = collate;
        _itemId = itemId;
        var batches = Options.DropLast ? _items.Length / Options.BatchSize : (_items.Length + Options.BatchSize - 1) / Options.BatchSize;
        BatchesPerEpoch = batches;
    }

    /// <summary>The options this loader was created with.</summary>
    public DataLoaderOptions Options { get; }

    /// <summary>Number of items (before <see cref="DataLoaderOptions.DropLast"/> drops any).</summary>
    public int Count => _items.Length;

    /// <summary>Batches per epoch: <c>ceil(Count / BatchSize)</c>, or <c>floor(Count / BatchSize)</c> with <see cref="DataLoaderOptions.DropLast"/>.</summary>
    public int BatchesPerEpoch { get; }

    /// <summary>
    /// The positions in the item list in the order epoch <paramref name="epoch"/> visits them (identity without
    /// <see cref="DataLoaderOptions.Shuffle"/>); batch <c>b</c> holds entries <c>[b·BatchSize, (b+1)·BatchSize)</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epoch"/> is negative.</exception>
    public IReadOnlyList<int> GetItemOrder(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        return Order(epoch);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epoch"/> is negative, or <paramref name="skipBatches"/> is outside [0, <see cref="BatchesPerEpoch"/>].</exception>
    /// <exception cref="DataLoaderException">Collating a batch failed (thrown while enumerating).</exception>
    public IEnumerable<TBatch> GetBatches(int epoch, int skipBatches = 0) => GetBatches(epoch, skipBatches, CancellationToken.None);

    /// <summary>
    /// The batches of epoch <paramref name="epoch"/> (0-based) after the first <paramref name="skipBatches"/>, which are
    /// never collated. Cancelling <paramref name="cancellationToken"/> stops the workers and makes the enumeration throw
    /// <see cref="OperationCanceledException"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epoch"/> is negative, or <paramref name="skipBatches"/> is outside [0, <see cref="BatchesPerEpoch"/>].</exception>
    /// <exception cref="DataLoaderException">Collating a batch failed (thrown while enumerating).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (thrown while enumerating).</exception>
    public IEnumerable<TBatch> GetBatches(int epoch, int skipBatches, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ArgumentOutOfRangeException.ThrowIfNegative(skipBatches);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(skipBatches, BatchesPerEpoch);
        return Options.Workers == 0 ? Inline(epoch, skipBatches, cancellationToken) : Prefetched(epoch, skipBatches, cancellationToken);
    }

    private IEnumerable<TBatch> Inline(int epoch, int skipBatches, CancellationToken cancellationToken)
    {
        var order = Order(epoch);
        for (var b = skipBatches; b < BatchesPerEpoch; b++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return Collate(order, epoch, b);
        }
    }

    private IEnumerable<TBatch> Prefetched(int epoch, int skipBatches, CancellationToken cancellationToken)
    {
        var order = Order(epoch);
        using var prefetcher = new BatchPrefetcher<TBatch>(
            b => Collate(order, epoch, b), skipBatches, BatchesPerEpoch, Options.Workers, Options.PrefetchBatches, cancellationToken);
        for (var b = skipBatches; b < BatchesPerEpoch; b++)
        {
            yield return prefetcher.Take(b);
        }
    }

    private int[] Order(int epoch)
    {
        if (Options.Shuffle)
        {
            return SplitMix64.Permutation(_items.Length, Options.Seed, epoch);
        }

        var order = new int[_items.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        return order;
    }

    private TBatch Collate(int[] order, int epoch, int batch)
    {
        var start = batch * Options.BatchSize;
        var indices = order.AsSpan(start, Math.Min(Options.BatchSize, order.Length - start)).ToArray();
        var items = new TItem[indices.Length];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = _items[indices[i]];
        }

        try
        {
            return _collate(items);
        }
#pragma warning disable CA1031 // Rethrown, wrapped: the consumer learns which batch failed.
        catch (Exception e)
#pragma warning restore CA1031
        {
            string[]? ids = null;
            if (_itemId is not null)
            {
                ids = new string[items.Length];
                for (var i = 0; i < items.Length; i++)
                {
                    ids[i] = _itemId(items[i]);
                }
            }

            throw new DataLoaderException(epoch, batch, indices, ids, e);
        }
    }
}
