using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FluentAssertions;

namespace AuxLosses.Models.Tests.Loading;

/// <summary>Workers: off the consumer thread, in order, bounded, failures typed, nothing leaked on break, cancel or error.</summary>
public sealed class DataLoaderThreadingTests
{
    private static DataLoaderOptions Options(int workers, int batchSize = 2, int? prefetch = null) => prefetch is int p
        ? new() { Workers = workers, BatchSize = batchSize, Seed = 11, PrefetchBatches = p }
        : new() { Workers = workers, BatchSize = batchSize, Seed = 11 };

    [Fact]
    public void Workers_collate_off_the_consumer_thread_and_zero_workers_on_it()
    {
        var consumer = Thread.CurrentThread;
        var threaded = new BatchLedger();
        BatchLedger.Drain(threaded.Loader(12, Options(workers: 2)).GetBatches(0));
        threaded.All.Should().HaveCount(6).And.OnlyContain(b => b.Thread != consumer && b.OnBackgroundThread);

        var inline = new BatchLedger();
        BatchLedger.Drain(inline.Loader(12, Options(workers: 0)).GetBatches(0));
        inline.All.Should().HaveCount(6).And.OnlyContain(b => b.Thread == consumer);
    }

    [Fact]
    public void Batches_come_in_order_although_workers_finish_out_of_order()
    {
        // Earlier batches take longer, so later ones are ready first.
        var ledger = new BatchLedger { BeforeCollate = items => Thread.Sleep(items[0] % 3 == 0 ? 15 : 0) };
        var loader = ledger.Loader(30, Options(workers: 3, batchSize: 1));
        var order = loader.GetItemOrder(0);
        BatchLedger.Drain(loader.GetBatches(0)).SelectMany(b => b).Should().Equal(order);
        ledger.LiveCount.Should().Be(0);
    }

    [Fact]
    public void Look_ahead_is_bounded_by_PrefetchBatches()
    {
        var taken = 0;
        var maxAhead = 0;
        var started = 0;
        var ledger = new BatchLedger
        {
            BeforeCollate = _ =>
            {
                var inFlight = Interlocked.Increment(ref started) - Volatile.Read(ref taken);
                InterlockedMax(ref maxAhead, inFlight);
            },
        };
        foreach (var batch in ledger.Loader(40, Options(workers: 3, batchSize: 1, prefetch: 3)).GetBatches(0))
        {
            Interlocked.Increment(ref taken);
            Thread.Sleep(2);
            batch.Dispose();
        }

        ledger.Collated.Should().Be(40);
        // A worker may start the next batch between the loader's hand-over and this thread counting it: hence + 1.
        maxAhead.Should().BeInRange(3, 3 + 1, "the slow consumer lets the look-ahead fill up, and no further");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void A_collate_failure_surfaces_in_order_as_a_DataLoaderException(int workers)
    {
        var failing = -1;
        var ledger = new BatchLedger
        {
            BeforeCollate = items =>
            {
                if (items.Contains(failing))
                {
                    throw new FileNotFoundException("image missing", "x.jpg");
                }
            },
        };
        var loader = ledger.Loader(20, Options(workers: workers, batchSize: 2));
        var order = loader.GetItemOrder(1);
        failing = order[5]; // batch 2

        var received = new List<int[]>();
        var act = () =>
        {
            foreach (var batch in loader.GetBatches(1))
            {
                received.Add(batch.Items);
                batch.Dispose();
            }
        };

        var e = act.Should().Throw<DataLoaderException>().Which;
        e.Epoch.Should().Be(1);
        e.BatchIndex.Should().Be(2);
        e.ItemIndices.Should().Equal(order[4], order[5]);
        e.ItemIds.Should().Equal("id" + order[4], "id" + order[5]);
        e.InnerException.Should().BeOfType<FileNotFoundException>().Which.FileName.Should().Be("x.jpg");
        e.Message.Should().Contain("batch 2").And.Contain("epoch 1").And.Contain("id" + order[5]).And.Contain("image missing");
        received.Should().HaveCount(2, "the batches before the failing one are handed out first");
        ledger.LiveCount.Should().Be(0, "batches collated ahead of the failure are disposed");
    }

    [Fact]
    public void Breaking_early_disposes_prefetched_batches_and_stops_the_workers()
    {
        var ledger = new BatchLedger { BeforeCollate = _ => Thread.Sleep(1) };
        var loader = ledger.Loader(200, Options(workers: 2, batchSize: 2, prefetch: 4));
        foreach (var batch in loader.GetBatches(0))
        {
            // Let the workers fill the look-ahead before abandoning the epoch.
            SpinWait.SpinUntil(() => ledger.Collated >= 5, TimeSpan.FromSeconds(5));
            batch.Dispose();
            break;
        }

        ledger.Collated.Should().BeInRange(5, 5 + 1, "look-ahead is 4 batches beyond the one taken");
        ledger.LiveCount.Should().Be(0);
        ledger.All.Should().OnlyContain(b => b.IsDisposed);
        ledger.All.Select(b => b.Thread).Distinct().Should().OnlyContain(t => !t.IsAlive, "disposing the enumerator joins the workers");
    }

    [Fact]
    public void Abandoning_without_taking_any_batch_frees_everything()
    {
        var ledger = new BatchLedger();
        using (var enumerator = ledger.Loader(50, Options(workers: 3, batchSize: 1)).GetBatches(0).GetEnumerator())
        {
            enumerator.MoveNext().Should().BeTrue();
            SpinWait.SpinUntil(() => ledger.Collated >= 6, TimeSpan.FromSeconds(5));
            enumerator.Current.Dispose();
        }

        ledger.LiveCount.Should().Be(0);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void Cancellation_stops_the_epoch_and_frees_prefetched_batches(int workers)
    {
        using var cts = new CancellationTokenSource();
        var ledger = new BatchLedger();
        var loader = ledger.Loader(40, Options(workers: workers, batchSize: 2));
        var taken = 0;
        var act = () =>
        {
            foreach (var batch in loader.GetBatches(0, 0, cts.Token))
            {
                batch.Dispose();
                if (++taken == 3)
                {
                    cts.Cancel();
                }
            }
        };

        act.Should().Throw<OperationCanceledException>();
        taken.Should().Be(3);
        ledger.LiveCount.Should().Be(0);
    }

    [Fact]
    public void Many_epochs_with_breaks_and_failures_leak_nothing()
    {
        var ledger = new BatchLedger
        {
            BeforeCollate = items =>
            {
                if (items.Contains(13))
                {
                    throw new InvalidDataException("bad item");
                }
            },
        };
        var loader = ledger.Loader(30, Options(workers: 3, batchSize: 3, prefetch: 5));
        for (var epoch = 0; epoch < 60; epoch++)
        {
            var stopAfter = epoch % 4;
            try
            {
                var k = 0;
                foreach (var batch in loader.GetBatches(epoch))
                {
                    batch.Dispose();
                    if (stopAfter > 0 && ++k == stopAfter)
                    {
                        break;
                    }
                }
            }
            catch (DataLoaderException e) when (e.InnerException is InvalidDataException)
            {
            }
        }

        ledger.LiveCount.Should().Be(0);
        ledger.All.Select(b => b.Thread).Distinct().Should().OnlyContain(t => !t.IsAlive);
    }

    [Fact]
    public void Concurrent_enumerations_of_one_loader_agree()
    {
        var ledger = new BatchLedger();
        var loader = ledger.Loader(60, Options(workers: 2, batchSize: 5));
        var expected = BatchLedger.Drain(new BatchLedger().Loader(60, Options(workers: 0, batchSize: 5)).GetBatches(4));
        var results = new List<int[]>[6];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 3 }, i => results[i] = BatchLedger.Drain(loader.GetBatches(4)));
        foreach (var result in results)
        {
            result.Should().BeEquivalentTo(expected, o => o.WithStrictOrdering());
        }

        ledger.LiveCount.Should().Be(0);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
