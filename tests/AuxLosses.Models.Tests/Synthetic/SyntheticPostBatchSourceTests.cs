using System;
using System.Collections.Generic;
using System.Linq;
using FluentAssertions;

namespace AuxLosses.Models.Tests.Synthetic;

public class SyntheticPostBatchSourceTests
{
    private static readonly SyntheticPostsDataset Data = SyntheticPosts.Generate(new SyntheticPostsOptions { TrainCount = 23, ValidationCount = 0, TestCount = 0, ImageSize = 16, Seed = 5 });
    private static readonly SyntheticPostCollator Collator = new();

    [Fact]
    public void An_epoch_visits_every_post_once_in_batches_of_the_requested_size()
    {
        var source = new SyntheticPostBatchSource(Data.Train, Collator, batchSize: 5, shuffle: true, seed: 1);

        source.BatchesPerEpoch.Should().Be(5);
        var sizes = new List<int>();
        var ids = Ids(source, 0, sizes);
        sizes.Should().Equal(5, 5, 5, 5, 3);
        ids.Should().BeEquivalentTo(Data.Train.Select(p => p.Id));
        ids.Should().NotEqual(Data.Train.Select(p => p.Id), "shuffling changes the order");
    }

    [Fact]
    public void Epochs_replay_exactly_differ_from_each_other_and_resume_after_skipped_batches()
    {
        var source = new SyntheticPostBatchSource(Data.Train, Collator, batchSize: 4, shuffle: true, seed: 9);

        Ids(source, 2).Should().Equal(Ids(source, 2));
        Ids(source, 2).Should().NotEqual(Ids(source, 3));
        Ids(source, 2, skip: 3).Should().Equal(Ids(source, 2).Skip(12));
        Ids(new SyntheticPostBatchSource(Data.Train, Collator, batchSize: 4, shuffle: true, seed: 10), 2).Should().NotEqual(Ids(source, 2));
    }

    [Fact]
    public void Without_shuffling_posts_come_in_list_order_and_drop_last_skips_the_short_batch()
    {
        var ordered = new SyntheticPostBatchSource(Data.Train, Collator, batchSize: 10);
        Ids(ordered, 4).Should().Equal(Data.Train.Select(p => p.Id));

        var dropped = new SyntheticPostBatchSource(Data.Train, Collator, batchSize: 10, dropLast: true);
        dropped.BatchesPerEpoch.Should().Be(2);
        Ids(dropped, 0).Should().Equal(Data.Train.Take(20).Select(p => p.Id));
    }

    [Fact]
    public void Bad_arguments_throw()
    {
        var zero = () => new SyntheticPostBatchSource(Data.Train, Collator, batchSize: 0);
        zero.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("batchSize");
        var empty = () => new SyntheticPostBatchSource([], Collator, batchSize: 2);
        empty.Should().Throw<ArgumentException>().WithParameterName("posts");
        var none = () => new SyntheticPostBatchSource(Data.Train, Collator, batchSize: 30, dropLast: true);
        none.Should().Throw<ArgumentException>().WithParameterName("dropLast");
        var source = new SyntheticPostBatchSource(Data.Train, Collator, batchSize: 4);
        var epoch = () => source.GetBatches(-1);
        epoch.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("epoch");
        var skip = () => source.GetBatches(0, -1);
        skip.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("skipBatches");
    }

    private static List<string> Ids(SyntheticPostBatchSource source, int epoch, List<int>? sizes = null, int skip = 0)
    {
        var ids = new List<string>();
        foreach (var batch in source.GetBatches(epoch, skip))
        {
            using (batch)
            {
                sizes?.Add(batch.Count);
                ids.AddRange(batch.Ids);
            }
        }

        return ids;
    }
}
