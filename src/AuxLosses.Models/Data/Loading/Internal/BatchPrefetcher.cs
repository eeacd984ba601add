using System;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace AuxLosses.Models.Internal;

/// <summary>
/// Produces batches <c>[first, end)</c> on background threads and hands them out strictly in index order.
/// </summary>
/// <remarks>
/// Workers claim indices in increasing order, each after taking one of <c>prefetch</c> permits; the consumer returns a
/// permit per batch it takes. So at most <c>prefetch</c> batches are in flight, the index the consumer waits for is
/// always already claimed (no deadlock), and a ring of <c>prefetch</c> slots indexed by <c>b % prefetch</c> never
/// holds two live batches in one slot. A failure is stored in its slot and rethrown when the consumer reaches that
/// index, after every earlier batch; workers then claim nothing more. <see cref="Dispose"/> stops the workers, waits
/// for them (no thread outlives the enumeration) and disposes every produced batch the consumer never took.
/// </remarks>
internal sealed class BatchPrefetcher<TBatch> : IDisposable
{
    private readonly Func<int, TBatch> _produce;
    private readonly int _end;
    private readonly Slot[] _ring;
    private readonly object _gate = new();
    private readonly SemaphoreSlim _permits;
    private readonly CancellationTokenSource _stop;
    private readonly CancellationTokenRegistration _wakeOnStop;
    private readonly Thread[] _workers;
    private int _nextToClaim;
    private bool _disposed;

    public BatchPrefetcher(Func<int, TBatch> produce, int first, int end, int workers, int prefetch, CancellationToken cancellationToken)
    {
        _produce = produce;
        _end = end;
        _nextToClaim = first;
        _ring = new Slot[prefetch];
        _permits = new SemaphoreSlim(prefetch);
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _wakeOnStop = _stop.Token.Register(() =>
        {
            lock (_gate)
            {
                Monitor.PulseAll(_gate);
            }
        });

        _workers = new Thread[Math.Min(workers, end - first)];
        for (var k = 0; k < _workers.Length; k++)
        {
            // Dedicated threads, not pool tasks: a worker blocks while the look-ahead is full.
            _workers[k] = new Thread(Work) { IsBackground = true, Name = $"AuxLosses DataLoader worker {k}" };
            _workers[k].Start();
        }
    }

    /// <summary>Waits for batch <paramref name="index"/> (the next one in order) and hands it over, or rethrows its failure.</summary>
    /// <exception cref="OperationCanceledException">The caller's token was cancelled.</exception>
    public TBatch Take(int index)
    {
        Slot slot;
        lock (_gate)
        {
            // Checked before every batch, ready or not, as the inline path does.
            _stop.Token.ThrowIfCancellationRequested();
            ref var entry = ref _ring[index % _ring.Length];
            while (!entry.Ready)
            {
                Monitor.Wait(_gate);
                _stop.Token.ThrowIfCancellationRequested();
            }

            slot = entry;
            entry = default;
        }

        _permits.Release();
        if (slot.Error is not null)
        {
            ExceptionDispatchInfo.Throw(slot.Error);
        }

        return slot.Batch!;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _nextToClaim = _end;
        }

        _stop.Cancel();
        foreach (var worker in _workers)
        {
            // A worker finishes the batch it is collating, then sees nothing left to claim.
            worker.Join();
        }

        foreach (var slot in _ring)
        {
            (slot.Batch as IDisposable)?.Dispose();
        }

        _wakeOnStop.Dispose();
        _stop.Dispose();
        _permits.Dispose();
    }

    private void Work()
    {
        while (true)
        {
            try
            {
                _permits.Wait(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            int index;
            lock (_gate)
            {
                if (_nextToClaim >= _end)
                {
                    _permits.Release();
                    return;
                }

                index = _nextToClaim++;
            }

            Slot slot;
            try
            {
                slot = new Slot(_produce(index), null, true);
            }
#pragma warning disable CA1031 // Every failure must reach the consumer thread, never end this thread unhandled.
            catch (Exception e)
#pragma warning restore CA1031
            {
                slot = new Slot(default, e, true);
            }

            lock (_gate)
            {
                _ring[index % _ring.Length] = slot;
                if (slot.Error is not null)
                {
                    // Later batches would never be taken: the consumer stops at this one.
                    _nextToClaim = _end;
                }

                Monitor.PulseAll(_gate);
            }
        }
    }

    private readonly record struct Slot(TBatch? Batch, Exception? Error, bool Ready);
}
