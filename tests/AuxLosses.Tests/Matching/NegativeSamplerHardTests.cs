using System;
using System.Linq;
using AuxLosses;
using AuxLosses.Tests.Infrastructure;
using FluentAssertions;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Tests.Matching;

public sealed class NegativeSamplerHardTests
{
    private static readonly NegativeSampler Hard = new(new NegativeSamplerOptions { Strategy = NegativeSamplingStrategy.Hard });

    private static (long[] Image, long[] Text, long[] Match) Host(MatchingPairs pairs) =>
        (pairs.ImageIndex.data<long>().ToArray(), pairs.TextIndex.data<long>().ToArray(), pairs.MatchLabels.data<long>().ToArray());

    [Fact]
    public void Follows_albef_layout_and_never_pairs_an_image_with_its_own_text()
    {
        using var generator = new Generator(3);
        using var similarity = randn(new long[] { 6, 6 }, generator: generator);
        for (var d = 0; d < 100; d++)
        {
            using var pairs = Hard.Sample(similarity, generator: generator);
            pairs.Strategy.Should().Be(NegativeSamplingStrategy.Hard);
            pairs.Count.Should().Be(18);
            pairs.RowsWithoutCandidate.Should().Be(0);
            var (image, text, match) = Host(pairs);
            for (var i = 0; i < 6; i++)
            {
                (image[i], text[i], match[i]).Should().Be((i, i, 1L), "the first B pairs are the positives");
                (text[6 + i], match[6 + i]).Should().Be((i, 0L), "then one negative image per text, in text order");
                image[6 + i].Should().NotBe(i);
                (image[12 + i], match[12 + i]).Should().Be((i, 0L), "then one negative text per image, in image order");
                text[12 + i].Should().NotBe(i);
            }
        }
    }

    [Fact]
    public void Empirical_frequencies_match_albef_softmax_weights_from_the_fixture()
    {
        var @case = Fixture.Load("matching.json").Case("albef_hard_weights");
        using var similarity = Fixture.Tensor(@case, "similarity").to(ScalarType.Float32);
        using var labels = Fixture.Tensor(@case, "labels");
        Check(similarity, null, Fixture.Tensor(@case, "prob_i2t"), Fixture.Tensor(@case, "prob_t2i"), seed: 11);
        Check(similarity, labels, Fixture.Tensor(@case, "prob_i2t_label_excluded"), Fixture.Tensor(@case, "prob_t2i_label_excluded"), seed: 12);
    }

    private static void Check(Tensor similarity, Tensor? labels, Tensor probI2T, Tensor probT2I, ulong seed)
    {
        const int Draws = 2000;
        var b = (int)similarity.shape[0];
        var i2t = new double[b, b];
        var t2i = new double[b, b];
        using var generator = new Generator(seed);
        for (var d = 0; d < Draws; d++)
        {
            using var pairs = Hard.Sample(similarity, labels, generator);
            var (image, text, _) = Host(pairs);
            for (var r = 0; r < b; r++)
            {
                t2i[r, image[b + r]]++;
                i2t[r, text[(2 * b) + r]]++;
            }
        }

        Compare(i2t, probI2T, Draws, "image→text");
        Compare(t2i, probT2I, Draws, "text→image");
    }

    private static void Compare(double[,] counts, Tensor probabilities, int draws, string direction)
    {
        var p = probabilities.data<double>().ToArray();
        var b = counts.GetLength(0);
        var chi2 = 0.0;
        var cells = 0;
        for (var r = 0; r < b; r++)
        {
            for (var c = 0; c < b; c++)
            {
                var expected = p[(r * b) + c] * draws;
                if (p[(r * b) + c] == 0)
                {
                    counts[r, c].Should().Be(0, $"{direction} row {r} must never draw the excluded candidate {c}");
                    continue;
                }

                var sigma = Math.Sqrt(draws * p[(r * b) + c] * (1 - p[(r * b) + c]));
                counts[r, c].Should().BeApproximately(expected, (5 * sigma) + 1, $"{direction} ({r}, {c})");
                if (expected >= 5)
                {
                    chi2 += Math.Pow(counts[r, c] - expected, 2) / expected;
                    cells++;
                }
            }
        }

        // At most cells − rows degrees of freedom (≤ 20 here); 0.9995 quantile of χ²(20) ≈ 45.3.
        cells.Should().BeGreaterThan(b);
        chi2.Should().BeLessThan(48, $"{direction} frequencies must follow softmax(S) over the candidates");
    }

    [Fact]
    public void Temperature_sharpens_the_weights()
    {
        using var similarity = tensor(new float[] { 0, 1, 0, 0, 0, 1, 1, 0, 0 }).reshape(3, 3);
        var sharp = new NegativeSampler(new NegativeSamplerOptions { Strategy = NegativeSamplingStrategy.Hard, Temperature = 0.01 });
        using var generator = new Generator(1);
        using var pairs = sharp.Sample(similarity, generator: generator);
        var (_, text, _) = Host(pairs);
        text[6].Should().Be(1, "image 0's only high-similarity text is 1, and τ = 0.01 makes it certain");
        text[7].Should().Be(2);
        text[8].Should().Be(0);
    }

    [Fact]
    public void Same_label_exclusion_is_honoured()
    {
        using var generator = new Generator(21);
        using var similarity = randn(new long[] { 8, 8 }, generator: generator) * 3;
        using var labels = tensor(new long[] { 0, 1, 1, 2, 0, 2, 1, 0 });
        var y = labels.data<long>().ToArray();
        for (var d = 0; d < 200; d++)
        {
            using var pairs = Hard.Sample(similarity, labels, generator);
            pairs.Count.Should().Be(24);
            var (image, text, match) = Host(pairs);
            for (var n = 8; n < 24; n++)
            {
                match[n].Should().Be(0);
                y[image[n]].Should().NotBe(y[text[n]]);
            }
        }
    }

    [Fact]
    public void A_batch_of_one_yields_only_its_positive_and_reports_both_missing_negatives()
    {
        using var similarity = ones(1, 1);
        using var pairs = Hard.Sample(similarity);
        Host(pairs).Should().BeEquivalentTo((new long[] { 0 }, new long[] { 0 }, new long[] { 1 }));
        pairs.RowsWithoutCandidate.Should().Be(2);
    }

    [Fact]
    public void All_one_label_with_exclusion_drops_every_negative_without_crashing()
    {
        using var similarity = randn(4, 4);
        using var labels = full(4, 3L, dtype: ScalarType.Int64);
        using var pairs = Hard.Sample(similarity, labels);
        pairs.Count.Should().Be(4);
        pairs.RowsWithoutCandidate.Should().Be(8);
        pairs.MatchLabels.sum().item<long>().Should().Be(4);
        pairs.TextIndex.Equals(pairs.ImageIndex).Should().BeTrue();
    }

    [Fact]
    public void Dominant_diagonal_and_huge_logits_still_sample_a_valid_negative()
    {
        // softmax-then-zero (ALBEF) would leave all-zero rows here: exp(−1e4) underflows even in float64.
        using var similarity = (eye(5) * 1e4f).to(ScalarType.BFloat16);
        using var pairs = Hard.Sample(similarity);
        pairs.Count.Should().Be(15);
        var (image, text, _) = Host(pairs);
        Enumerable.Range(5, 10).Should().OnlyContain(n => image[n] != text[n]);
    }

    [Fact]
    public void Is_deterministic_given_a_seeded_generator_and_does_not_touch_the_similarity_graph()
    {
        using var similarity = randn(16, 16).requires_grad_(true);
        using var g1 = new Generator(77);
        using var g2 = new Generator(77);
        using var a = Hard.Sample(similarity, generator: g1);
        using var b = Hard.Sample(similarity, generator: g2);
        a.ImageIndex.Equals(b.ImageIndex).Should().BeTrue();
        a.TextIndex.Equals(b.TextIndex).Should().BeTrue();
        a.ImageIndex.requires_grad.Should().BeFalse();
        similarity.grad.Should().BeNull();
    }

    [Fact]
    public void Samples_a_large_batch_in_one_vectorized_call()
    {
        using var generator = new Generator(8);
        using var similarity = randn(new long[] { 1024, 1024 }, generator: generator);
        using var pairs = Hard.Sample(similarity, generator: generator);
        pairs.Count.Should().Be(3 * 1024);
        using var negatives = pairs.ImageIndex.narrow(0, 1024, 2048).ne(pairs.TextIndex.narrow(0, 1024, 2048));
        negatives.all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void Rejects_bad_similarity_and_labels()
    {
        using var rectangular = randn(3, 4);
        FluentActions.Invoking(() => Hard.Sample(rectangular)).Should().Throw<ArgumentException>()
            .Where(e => e.ParamName == "similarity" && e.Message.Contains("[3, 4]"));
        using var vector = randn(3);
        FluentActions.Invoking(() => Hard.Sample(vector)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("similarity");
        using var nan = randn(3, 3);
        nan[1, 2] = tensor(float.NaN);
        FluentActions.Invoking(() => Hard.Sample(nan)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("similarity");
        using var integer = zeros(new long[] { 3, 3 }, dtype: ScalarType.Int64);
        FluentActions.Invoking(() => Hard.Sample(integer)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("similarity");
        using var empty = zeros(0, 0);
        FluentActions.Invoking(() => Hard.Sample(empty)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("similarity");
        FluentActions.Invoking(() => Hard.Sample(null!)).Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("similarity");

        using var similarity = randn(3, 3);
        using var floatLabels = zeros(3);
        FluentActions.Invoking(() => Hard.Sample(similarity, floatLabels)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("labels");
        using var longLabels = zeros(4, dtype: ScalarType.Int64);
        FluentActions.Invoking(() => Hard.Sample(similarity, longLabels)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("labels");
    }
}
