using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;

namespace AuxLosses.Models.Tests.Loading;

/// <summary>A batch of item values that counts itself live until disposed, and records the thread that collated it.</summary>
internal sealed class FakeBatch : IDisposable
{
    private readonly BatchLedger _ledger;
    private int _disposed;

    public FakeBatch(IReadOnlyList<int> items, BatchLedger ledger)
    {
        Items = [.. items];
        _ledger = ledger;
        Thread = Thread.CurrentThread;
        OnBackgroundThread = Thread.IsBackground;
        Interlocked.Increment(ref ledger.LiveCount);
    }

    public int[] Items { get; }

    public Thread Thread { get; }

    public bool OnBackgroundThread { get; }

    public bool IsDisposed => _disposed != 0;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Interlocked.Decrement(ref _ledger.LiveCount);
        }
    }
}

/// <summary>Collates <see cref="FakeBatch"/>es and keeps account of them, for a loader over the items 0..n-1.</summary>
internal sealed class BatchLedger
{
    public int LiveCount;
    public int Collated;

    public ConcurrentBag<FakeBatch> All { get; } = [];

    /// <summary>Called before each collation with the batch's items; may throw or sleep.</summary>
    public Action<IReadOnlyList<int>>? BeforeCollate { get; init; }

    public FakeBatch Collate(IReadOnlyList<int> items)
    {
        Interlocked.Increment(ref Collated);
        BeforeCollate?.Invoke(items);
        var batch = new FakeBatch(items, this);
        All.Add(batch);
        return batch;
    }

    public DataLoader<int, FakeBatch> Loader(int count, DataLoaderOptions options) =>
        new(Enumerable.Range(0, count).ToArray(), Collate, options, i => "id" + i);

    /// <summary>Enumerates an epoch, disposing every batch as a consumer would, and returns the item lists.</summary>
    public static List<int[]> Drain(IEnumerable<FakeBatch> batches)
    {
        var result = new List<int[]>();
        foreach (var batch in batches)
        {
            result.Add(batch.Items);
            batch.Dispose();
        }

        return result;
    }
}
