using System;
using System.Collections.Generic;
using System.Linq;
using AuxLosses.Models.Internal;
using FluentAssertions;

namespace AuxLosses.Models.Tests.Loading;

/// <summary>Which items an epoch visits, in which order and batches: seeds, epochs, workers, skipping, DropLast.</summary>
public sealed class DataLoaderOrderTests
{
    private static DataLoaderOptions Options(int workers = 0, long seed = 0, bool shuffle = true, int batchSize = 4, bool dropLast = false) =>
        new() { Workers = workers, Seed = seed, Shuffle = shuffle, BatchSize = batchSize, DropLast = dropLast };

    [Fact]
    public void SplitMix64_gives_the_reference_stream()
    {
        // Vigna's splitmix64.c from state 0 (also computed independently in Python for this test).
        var rng = new SplitMix64(0);
        rng.Next().Should().Be(0xE220A8397B1DCDAF);
        rng.Next().Should().Be(0x6E789E6AA1B965F4);
        rng.Next().Should().Be(0x06C45D188009454F);
    }

    [Theory]
    // Pinned: a Python port of the stream seeding, Lemire's bounded draw and Fisher–Yates gives these orders. They must
    // never change, or resumed runs and published splits would silently see other batches.
    [InlineData(0L, 0, new[] { 4, 9, 2, 5, 1, 7, 6, 0, 3, 8 })]
    [InlineData(0L, 1, new[] { 9, 4, 0, 5, 2, 1, 6, 8, 3, 7 })]
    [InlineData(42L, 0, new[] { 0, 3, 5, 7, 9, 8, 2, 1, 4, 6 })]
    [InlineData(-1L, 3, new[] { 3, 6, 1, 4, 0, 9, 7, 2, 8, 5 })]
    public void Shuffled_order_is_pinned_per_seed_and_epoch(long seed, int epoch, int[] expected)
    {
        var loader = new BatchLedger().Loader(10, Options(seed: seed));
        loader.GetItemOrder(epoch).Should().Equal(expected);
        BatchLedger.Drain(loader.GetBatches(epoch)).SelectMany(b => b).Should().Equal(expected);
    }

    [Fact]
    public void Same_seed_and_epoch_repeat_and_other_seeds_or_epochs_differ()
    {
        var a = new BatchLedger().Loader(50, Options(seed: 7));
        var b = new BatchLedger().Loader(50, Options(seed: 7));
        var c = new BatchLedger().Loader(50, Options(seed: 8));

        BatchLedger.Drain(a.GetBatches(3)).Should().BeEquivalentTo(BatchLedger.Drain(b.GetBatches(3)), o => o.WithStrictOrdering());
        BatchLedger.Drain(a.GetBatches(3)).Should().BeEquivalentTo(BatchLedger.Drain(a.GetBatches(3)), o => o.WithStrictOrdering());
        a.GetItemOrder(3).Should().NotEqual(a.GetItemOrder(4));
        a.GetItemOrder(3).Should().NotEqual(c.GetItemOrder(3));
        a.GetItemOrder(0).Should().NotEqual(Enumerable.Range(0, 50));
    }

    [Fact]
    public void Every_epoch_visits_every_item_once()
    {
        var loader = new BatchLedger().Loader(103, Options(batchSize: 10));
        loader.BatchesPerEpoch.Should().Be(11);
        for (var epoch = 0; epoch < 5; epoch++)
        {
            var batches = BatchLedger.Drain(loader.GetBatches(epoch));
            batches.Select(b => b.Length).Should().Equal(Enumerable.Repeat(10, 10).Append(3));
            batches.SelectMany(b => b).Order().Should().Equal(Enumerable.Range(0, 103));
        }
    }

    [Fact]
    public void Order_does_not_depend_on_the_worker_count()
    {
        var expected = new BatchLedger().Loader(37, Options(workers: 0, seed: 5, batchSize: 3));
        foreach (var workers in new[] { 1, 3 })
        {
            var loader = new BatchLedger().Loader(37, Options(workers: workers, seed: 5, batchSize: 3));
            for (var epoch = 0; epoch < 3; epoch++)
            {
                BatchLedger.Drain(loader.GetBatches(epoch)).Should().BeEquivalentTo(
                    BatchLedger.Drain(expected.GetBatches(epoch)), o => o.WithStrictOrdering(), $"workers = {workers}, epoch {epoch}");
            }
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void Skipping_k_batches_yields_the_rest_of_the_epoch_without_collating_the_skipped(int workers)
    {
        var full = BatchLedger.Drain(new BatchLedger().Loader(23, Options(workers: workers, seed: 3)).GetBatches(2));
        full.Should().HaveCount(6);
        for (var k = 0; k <= 6; k++)
        {
            var ledger = new BatchLedger();
            var rest = BatchLedger.Drain(ledger.Loader(23, Options(workers: workers, seed: 3)).GetBatches(2, skipBatches: k));
            rest.Should().BeEquivalentTo(full.Skip(k), o => o.WithStrictOrdering(), $"skip {k}");
            ledger.Collated.Should().Be(6 - k);
        }
    }

    [Theory]
    [InlineData(10, 3, false, 4, new[] { 3, 3, 3, 1 })]
    [InlineData(10, 3, true, 3, new[] { 3, 3, 3 })]
    [InlineData(9, 3, false, 3, new[] { 3, 3, 3 })]
    [InlineData(9, 3, true, 3, new[] { 3, 3, 3 })]
    [InlineData(2, 3, false, 1, new[] { 2 })]
    [InlineData(2, 3, true, 0, new int[0])]
    [InlineData(0, 3, false, 0, new int[0])]
    public void BatchesPerEpoch_and_batch_sizes_honour_DropLast(int count, int batchSize, bool dropLast, int batches, int[] sizes)
    {
        var loader = new BatchLedger().Loader(count, Options(batchSize: batchSize, dropLast: dropLast));
        loader.Count.Should().Be(count);
        loader.BatchesPerEpoch.Should().Be(batches);
        BatchLedger.Drain(loader.GetBatches(0)).Select(b => b.Length).Should().Equal(sizes);
    }

    [Fact]
    public void DropLast_drops_the_items_at_the_end_of_the_shuffled_order()
    {
        var loader = new BatchLedger().Loader(10, Options(batchSize: 4, dropLast: true));
        BatchLedger.Drain(loader.GetBatches(1)).SelectMany(b => b).Should().Equal(loader.GetItemOrder(1).Take(8));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void Without_shuffle_every_epoch_is_in_list_order(int workers)
    {
        var loader = new BatchLedger().Loader(11, Options(workers: workers, shuffle: false, batchSize: 4));
        for (var epoch = 0; epoch < 3; epoch++)
        {
            BatchLedger.Drain(loader.GetBatches(epoch)).SelectMany(b => b).Should().Equal(Enumerable.Range(0, 11));
        }
    }

    [Fact]
    public void The_loader_copies_its_items()
    {
        var items = new List<int> { 1, 2, 3 };
        var loader = new DataLoader<int, int[]>(items, batch => batch.ToArray(), Options(shuffle: false, batchSize: 2));
        items.Add(4);
        loader.GetBatches(0).SelectMany(b => b).Should().Equal(1, 2, 3);
    }

    [Fact]
    public void Options_have_the_documented_defaults()
    {
        var options = new DataLoaderOptions();
        options.BatchSize.Should().Be(32);
        options.Shuffle.Should().BeTrue();
        options.Seed.Should().Be(0);
        options.DropLast.Should().BeFalse();
        options.Workers.Should().Be(Math.Min(2, Environment.ProcessorCount));
        options.PrefetchBatches.Should().Be(2 * options.Workers);
        new DataLoaderOptions { Workers = 3 }.PrefetchBatches.Should().Be(6);
        new DataLoaderOptions { Workers = 3, PrefetchBatches = 1 }.PrefetchBatches.Should().Be(1);
    }

    [Theory]
    [InlineData(0, 0, null, "BatchSize")]
    [InlineData(4, -1, null, "Workers")]
    [InlineData(4, 2, 0, "PrefetchBatches")]
    [InlineData(4, 0, -1, "PrefetchBatches")]
    public void Invalid_options_throw_naming_the_option(int batchSize, int workers, int? prefetch, string name)
    {
        var options = prefetch is int p
            ? new DataLoaderOptions { BatchSize = batchSize, Workers = workers, PrefetchBatches = p }
            : new DataLoaderOptions { BatchSize = batchSize, Workers = workers };
        FluentActions.Invoking(() => new BatchLedger().Loader(5, options))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(name);
    }

    [Fact]
    public void Bad_arguments_throw_before_enumeration()
    {
        var loader = new BatchLedger().Loader(10, Options(batchSize: 4));
        FluentActions.Invoking(() => loader.GetBatches(-1)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("epoch");
        FluentActions.Invoking(() => loader.GetBatches(0, -1)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("skipBatches");
        FluentActions.Invoking(() => loader.GetBatches(0, 4)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("skipBatches");
        FluentActions.Invoking(() => loader.GetItemOrder(-1)).Should().Throw<ArgumentOutOfRangeException>();
        loader.GetBatches(0, 3).Should().BeEmpty();
        FluentActions.Invoking(() => new DataLoader<int, int>(null!, _ => 0)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => new DataLoader<int, int>([1], null!)).Should().Throw<ArgumentNullException>();
    }
}
