using System;
using System.Linq;
using AuxLosses.Tests.Infrastructure;
using FluentAssertions;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Models.Tests.Synthetic;

public class SyntheticPostCollatorTests
{
    private static readonly SyntheticPostsDataset Data = SyntheticPosts.Generate(new SyntheticPostsOptions { TrainCount = 30, ValidationCount = 3, TestCount = 0, ImageSize = 20, Seed = 11 });

    [Fact]
    public void Collates_shapes_dtypes_and_values()
    {
        var posts = Data.Train.Take(5).ToList();
        var tokenizer = SyntheticPosts.CreateTokenizer();
        using var batch = new SyntheticPostCollator(tokenizer).Collate(posts);

        batch.Pixels.shape.Should().Equal(5, 3, 20, 20);
        batch.Pixels.dtype.Should().Be(ScalarType.Float32);
        batch.InputIds.dtype.Should().Be(ScalarType.Int64);
        batch.AttentionMask.shape.Should().Equal(batch.InputIds.shape);
        batch.TokenTypeIds!.shape.Should().Equal(batch.InputIds.shape);
        batch.Labels.data<long>().ToArray().Should().Equal(posts.Select(p => (long)p.Label));
        batch.ImagePresent.dtype.Should().Be(ScalarType.Bool);
        batch.ImagePresent.all().item<bool>().Should().BeTrue();
        batch.Ids.Should().Equal(posts.Select(p => p.Id));

        // Pixel (row 3, column 4, green) of post 2, normalized with ImageNet statistics, computed by hand.
        var raw = posts[2].Pixels.Span[(((3 * 20) + 4) * 3) + 1];
        batch.Pixels[2, 1, 3, 4].item<float>().Should().BeApproximately((float)(((raw / 255.0) - 0.456) / 0.224), 1e-5f);

        // Row 1's tokens are [CLS] text [SEP] then padding, as the tokenizer encodes the text alone.
        var single = tokenizer.Tokenize(posts[1].Text);
        var row = batch.InputIds[1].data<long>().ToArray();
        row[0].Should().Be(tokenizer.ClassificationTokenId);
        row.Skip(1).Take(single.Count).Should().Equal(single.Select(i => (long)i));
        row[single.Count + 1].Should().Be(tokenizer.SeparatorTokenId);
        batch.AttentionMask[1].sum().item<long>().Should().Be(single.Count + 2);
    }

    [Fact]
    public void Custom_statistics_are_applied()
    {
        var post = Data.Train[0];
        using var batch = new SyntheticPostCollator(mean: [0, 0, 0], std: [1, 1, 1]).Collate([post]);

        batch.Pixels[0, 0, 0, 0].item<float>().Should().BeApproximately(post.Pixels.Span[0] / 255f, 1e-6f);
        batch.Pixels.max().item<float>().Should().BeLessThanOrEqualTo(1f);
        batch.Pixels.min().item<float>().Should().BeGreaterThanOrEqualTo(0f);
    }

    [Fact]
    public void Bad_input_throws_naming_the_argument()
    {
        var collator = new SyntheticPostCollator();
        var empty = () => collator.Collate([]);
        empty.Should().Throw<ArgumentException>().WithParameterName("posts");

        var other = SyntheticPosts.Generate(new SyntheticPostsOptions { TrainCount = 3, ValidationCount = 0, TestCount = 0, ImageSize = 16 }).Train[0];
        var mixed = () => collator.Collate([Data.Train[0], other]);
        mixed.Should().Throw<ArgumentException>().WithParameterName("posts").WithMessage("*posts[1]*16×16*");

        var badMean = () => new SyntheticPostCollator(mean: [0.5, 0.5]);
        badMean.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("mean");
        var badStd = () => new SyntheticPostCollator(std: [0.5, 0, 0.5]);
        badStd.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("std");
    }

    [Fact]
    public void Batch_survives_the_callers_dispose_scope()
    {
        PostBatch batch;
        using (NewDisposeScope())
        {
            batch = new SyntheticPostCollator().Collate(Data.Train.Take(2).ToList());
        }

        using (batch)
        {
            batch.Pixels.IsInvalid.Should().BeFalse();
            batch.InputIds.sum().item<long>().Should().BeGreaterThan(0);
        }
    }

    [Fact]
    public void Collating_and_disposing_leaves_no_live_tensors()
    {
        var collator = new SyntheticPostCollator();
        var posts = Data.Train.Take(4).ToList();
        var weight = torch.ones(3, requires_grad: true);

        LeakCheck.AssertFlat(() =>
        {
            using var scope = NewDisposeScope();
            using var batch = collator.Collate(posts);
            var loss = (batch.Pixels.mean(new long[] { 0, 2, 3 }) * weight).sum();
            loss.backward();
            weight.grad!.zero_();
        });
    }
}
