using System;
using System.Linq;
using AuxLosses;
using FluentAssertions;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Tests.Matching;

public sealed class NegativeSamplerRandomTests
{
    private static (long[] Image, long[] Text, long[] Match) Host(MatchingPairs pairs) =>
        (pairs.ImageIndex.data<long>().ToArray(), pairs.TextIndex.data<long>().ToArray(), pairs.MatchLabels.data<long>().ToArray());

    [Fact]
    public void Swaps_about_half_of_the_pairs_uniformly_over_other_texts_and_never_self()
    {
        const int B = 6;
        const int Draws = 2000;
        var sampler = new NegativeSampler();
        using var generator = new Generator(1234);
        var counts = new long[B, B];
        long swapped = 0;
        for (var d = 0; d < Draws; d++)
        {
            using var scope = NewDisposeScope();
            var pairs = sampler.SampleRandom(B, generator: generator);
            pairs.Count.Should().Be(B);
            pairs.RowsWithoutCandidate.Should().Be(0);
            var (image, text, match) = Host(pairs);
            for (var i = 0; i < B; i++)
            {
                image[i].Should().Be(i, "the random strategy keeps image i in pair i");
                match[i].Should().Be(text[i] == i ? 1 : 0, "the label says whether the text is the image's own");
                if (match[i] == 0)
                {
                    swapped++;
                    counts[i, text[i]]++;
                }
            }
        }

        var fraction = swapped / (double)(B * Draws);
        fraction.Should().BeApproximately(0.5, 0.02, "each text is swapped with p = 0.5 (σ ≈ 0.0046 here)");

        // Uniform over j ≠ i: chi-square over the 30 off-diagonal cells, expected count per cell from the observed swaps per row.
        var chi2 = 0.0;
        for (var i = 0; i < B; i++)
        {
            counts[i, i].Should().Be(0);
            var rowTotal = Enumerable.Range(0, B).Sum(j => counts[i, j]);
            var expected = rowTotal / (double)(B - 1);
            chi2 += Enumerable.Range(0, B).Where(j => j != i).Sum(j => Math.Pow(counts[i, j] - expected, 2) / expected);
        }

        chi2.Should().BeLessThan(55, "24 degrees of freedom: the 0.9995 quantile is ≈ 52");
    }

    [Fact]
    public void Swap_probability_option_is_honoured()
    {
        var sampler = new NegativeSampler(new NegativeSamplerOptions { SwapProbability = 0.2 });
        using var generator = new Generator(5);
        using var pairs = sampler.SampleRandom(20000, generator: generator);
        var swapped = 1.0 - pairs.MatchLabels.to(ScalarType.Float64).mean().item<double>();
        swapped.Should().BeApproximately(0.2, 0.015);

        using var never = new NegativeSampler(new NegativeSamplerOptions { SwapProbability = 0 }).SampleRandom(50, generator: generator);
        never.MatchLabels.sum().item<long>().Should().Be(50);
        using var always = new NegativeSampler(new NegativeSamplerOptions { SwapProbability = 1 }).SampleRandom(50, generator: generator);
        always.MatchLabels.sum().item<long>().Should().Be(0);
        always.TextIndex.ne(always.ImageIndex).all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void Is_deterministic_given_a_seeded_generator()
    {
        var sampler = new NegativeSampler();
        using var g1 = new Generator(42);
        using var g2 = new Generator(42);
        using var g3 = new Generator(43);
        using var a = sampler.SampleRandom(64, generator: g1);
        using var b = sampler.SampleRandom(64, generator: g2);
        using var c = sampler.SampleRandom(64, generator: g3);
        a.TextIndex.Equals(b.TextIndex).Should().BeTrue();
        a.MatchLabels.Equals(b.MatchLabels).Should().BeTrue();
        a.TextIndex.Equals(c.TextIndex).Should().BeFalse("a different seed gives a different draw of 64 coins");
    }

    [Fact]
    public void Batch_of_one_keeps_its_pair_matched_like_the_paper()
    {
        var sampler = new NegativeSampler(new NegativeSamplerOptions { SwapProbability = 1 });
        using var pairs = sampler.SampleRandom(1);
        Host(pairs).Should().BeEquivalentTo((new long[] { 0 }, new long[] { 0 }, new long[] { 1 }));
        pairs.RowsWithoutCandidate.Should().Be(1);
    }

    [Fact]
    public void Same_label_exclusion_swaps_only_to_other_labels_and_keeps_rows_without_candidates_matched()
    {
        var sampler = new NegativeSampler(new NegativeSamplerOptions { SwapProbability = 1 });
        using var generator = new Generator(9);
        using var labels = tensor(new long[] { 0, 1, 0, 2, 1, 1 });
        var y = labels.data<long>().ToArray();
        for (var d = 0; d < 200; d++)
        {
            using var pairs = sampler.SampleRandom(6, labels, generator);
            var (image, text, match) = Host(pairs);
            for (var i = 0; i < 6; i++)
            {
                match[i].Should().Be(0);
                y[text[i]].Should().NotBe(y[image[i]]);
            }
        }

        using var same = zeros(5, dtype: ScalarType.Int64);
        using var none = sampler.SampleRandom(5, same, generator);
        none.MatchLabels.sum().item<long>().Should().Be(5, "no text of another label exists, so every pair stays matched");
        none.TextIndex.Equals(none.ImageIndex).Should().BeTrue();
        none.RowsWithoutCandidate.Should().Be(5);
    }

    [Fact]
    public void Sample_with_a_similarity_uses_its_batch_size_and_device()
    {
        var sampler = new NegativeSampler();
        using var similarity = randn(7, 7);
        using var pairs = sampler.Sample(similarity);
        pairs.Strategy.Should().Be(NegativeSamplingStrategy.Random);
        pairs.Count.Should().Be(7);
        pairs.BatchSize.Should().Be(7);
    }

    [Fact]
    public void Rejects_bad_options_and_input()
    {
        FluentActions.Invoking(() => new NegativeSampler(new NegativeSamplerOptions { SwapProbability = 1.5 }))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("SwapProbability");
        FluentActions.Invoking(() => new NegativeSampler(new NegativeSamplerOptions { Temperature = 0 }))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("Temperature");
        FluentActions.Invoking(() => new NegativeSampler(new NegativeSamplerOptions { Strategy = (NegativeSamplingStrategy)7 }))
            .Should().Throw<ArgumentOutOfRangeException>();

        var sampler = new NegativeSampler();
        FluentActions.Invoking(() => sampler.SampleRandom(0)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("batchSize");
        using var floatLabels = zeros(4);
        FluentActions.Invoking(() => sampler.SampleRandom(4, floatLabels)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("labels");
        using var shortLabels = zeros(3, dtype: ScalarType.Int64);
        FluentActions.Invoking(() => sampler.SampleRandom(4, shortLabels)).Should().Throw<ArgumentException>().WithMessage("*labels*[4]*[3]*");
        using var negativeLabels = tensor(new long[] { 0, -1, 0, 0 });
        FluentActions.Invoking(() => sampler.SampleRandom(4, negativeLabels)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("labels");
    }
}
