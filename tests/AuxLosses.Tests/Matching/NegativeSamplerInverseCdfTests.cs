using System.Linq;
using AuxLosses;
using FluentAssertions;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace AuxLosses.Tests.Matching;

/// <summary>
/// Hard negatives are drawn by inverse CDF (cumsum + searchsorted). These tests aim at its edges: extreme logits,
/// zero-weight tails after the last allowed column, excluded columns that would dominate, and determinism.
/// </summary>
public sealed class NegativeSamplerInverseCdfTests
{
    private static readonly NegativeSampler Hard = new(new NegativeSamplerOptions { Strategy = NegativeSamplingStrategy.Hard });

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.Float64)]
    [InlineData(ScalarType.BFloat16)]
    public void Extreme_logits_pick_the_dominant_allowed_entry_and_never_an_excluded_one(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        const int B = 64;
        // −1e4 everywhere, +1e4 on the diagonal (excluded) and on column (i + 1) mod B (allowed).
        var s = full(new long[] { B, B }, -1e4, dtype: ScalarType.Float64);
        s.diagonal().fill_(1e4);
        var rows = arange(B);
        s.index_put_(full(new long[] { B }, 1e4, dtype: ScalarType.Float64), rows, (rows + 1).remainder(B));
        using var generator = new Generator(5);
        for (var d = 0; d < 50; d++)
        {
            using var pairs = Hard.Sample(s.to(dtype), generator: generator);
            var image = pairs.ImageIndex.data<long>().ToArray();
            var text = pairs.TextIndex.data<long>().ToArray();
            for (var i = 0; i < B; i++)
            {
                // Text t's negative image: the row r with S[r, t] = 1e4 and r ≠ t, i.e. r = t − 1.
                image[B + i].Should().Be((i + B - 1) % B);
                text[2 * B + i].Should().Be((i + 1) % B);
            }
        }
    }

    [Fact]
    public void A_single_allowed_column_followed_by_a_zero_weight_tail_is_always_drawn()
    {
        using var scope = NewDisposeScope();
        const int B = 300;
        // Sample 0 has label 1, all others label 0: every row i ≠ 0 has column 0 as its only candidate, so the CDF is flat
        // from column 1 to the end; u·total near the top must still land on column 0, never in the tail.
        var labels = zeros(B, dtype: ScalarType.Int64);
        labels[0] = tensor(1L);
        using var generator = new Generator(17);
        var similarity = randn(new long[] { B, B }, generator: generator) * 50;
        for (var d = 0; d < 20; d++)
        {
            using var pairs = Hard.Sample(similarity, labels, generator);
            pairs.RowsWithoutCandidate.Should().Be(0);
            var image = pairs.ImageIndex.data<long>().ToArray();
            var text = pairs.TextIndex.data<long>().ToArray();
            for (var i = 1; i < B; i++)
            {
                image[B + i].Should().Be(0);
                text[2 * B + i].Should().Be(0);
            }

            image[B].Should().NotBe(0);
            text[2 * B].Should().NotBe(0);
        }
    }

    [Fact]
    public void Rows_without_a_candidate_are_dropped_and_the_rest_stay_in_range()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(23);
        var similarity = randn(new long[] { 5, 5 }, generator: generator) * 1e4;
        // Label 0 ×3 and label 1 ×2: every row has candidates. Label 7 ×5: none has.
        using var some = Hard.Sample(similarity, tensor(new long[] { 0, 1, 0, 1, 0 }), generator);
        some.RowsWithoutCandidate.Should().Be(0);
        some.TextIndex.max().item<long>().Should().BeLessThan(5);
        some.ImageIndex.max().item<long>().Should().BeLessThan(5);
        using var none = Hard.Sample(similarity, tensor(new long[] { 7, 7, 7, 7, 7 }), generator);
        none.RowsWithoutCandidate.Should().Be(10);
        none.Count.Should().Be(5);
    }

    [Fact]
    public void Draws_are_reproducible_given_a_generator()
    {
        using var scope = NewDisposeScope();
        var similarity = randn(new long[] { 40, 40 }, generator: new Generator(1));
        using var a = Hard.Sample(similarity, generator: new Generator(99));
        using var b = Hard.Sample(similarity, generator: new Generator(99));
        a.ImageIndex.data<long>().ToArray().Should().Equal(b.ImageIndex.data<long>().ToArray());
        a.TextIndex.data<long>().ToArray().Should().Equal(b.TextIndex.data<long>().ToArray());
    }
}
