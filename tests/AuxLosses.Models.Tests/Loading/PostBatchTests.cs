using System;
using FluentAssertions;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Models.Tests.Loading;

/// <summary>The <see cref="PostBatch"/> contract: validation naming the argument, ownership, To, Dispose.</summary>
public sealed class PostBatchTests
{
    private const int B = 3;
    private const int L = 5;
    private static readonly long[] Labels = [0, 2, 1];
    private static readonly int[] Int32Labels = [0, 2, 1];
    private static readonly bool[] Present = [true, false, true];

    private static PostBatch Create(
        Tensor? pixels = null, Tensor? inputIds = null, Tensor? attentionMask = null, Tensor? labels = null,
        Tensor? imagePresent = null, string[]? ids = null, Tensor? tokenTypeIds = null) =>
        new(pixels ?? zeros(B, 3, 4, 4),
            inputIds ?? ones(B, L, dtype: ScalarType.Int64),
            attentionMask ?? ones(B, L, dtype: ScalarType.Int64),
            labels ?? tensor(Labels),
            imagePresent ?? tensor(Present),
            ids ?? ["a", "b", "c"],
            tokenTypeIds);

    [Fact]
    public void A_valid_batch_exposes_its_tensors()
    {
        using var batch = Create(tokenTypeIds: zeros(B, L, dtype: ScalarType.Int64));
        batch.Count.Should().Be(B);
        batch.Ids.Should().Equal("a", "b", "c");
        batch.Pixels.shape.Should().Equal(B, 3, 4, 4);
        batch.Labels.data<long>().ToArray().Should().Equal(0, 2, 1);
        batch.ImagePresent.data<bool>().ToArray().Should().Equal(true, false, true);
        batch.TokenTypeIds!.shape.Should().Equal(B, L);
        using var noTypes = Create();
        noTypes.TokenTypeIds.Should().BeNull();
    }

    public static TheoryData<string, Func<PostBatch>> BadBatches => new()
    {
        { "pixels", () => Create(pixels: zeros(B, 3, 4)) },
        { "pixels", () => Create(pixels: zeros(B, 3, 4, 4, dtype: ScalarType.Float64)) },
        { "pixels", () => Create(pixels: zeros(B + 1, 3, 4, 4)) },
        { "inputIds", () => Create(inputIds: ones(B, L, dtype: ScalarType.Int32)) },
        { "inputIds", () => Create(inputIds: ones(B * L, dtype: ScalarType.Int64)) },
        { "inputIds", () => Create(inputIds: ones(B - 1, L, dtype: ScalarType.Int64)) },
        { "attentionMask", () => Create(attentionMask: ones(B, L, dtype: ScalarType.Bool)) },
        { "attentionMask", () => Create(attentionMask: ones(B, L + 1, dtype: ScalarType.Int64)) },
        { "labels", () => Create(labels: tensor(Int32Labels)) },
        { "labels", () => Create(labels: zeros(B, 1, dtype: ScalarType.Int64)) },
        { "imagePresent", () => Create(imagePresent: ones(B, dtype: ScalarType.Int64)) },
        { "imagePresent", () => Create(imagePresent: ones(B + 1, dtype: ScalarType.Bool)) },
        { "tokenTypeIds", () => Create(tokenTypeIds: zeros(B, L, dtype: ScalarType.Float32)) },
        { "tokenTypeIds", () => Create(tokenTypeIds: zeros(B, L - 1, dtype: ScalarType.Int64)) },
        { "ids", () => Create(ids: ["a", "b"]) },
    };

    [Theory]
    [MemberData(nameof(BadBatches))]
    public void Wrong_rank_dtype_or_rows_throw_naming_the_argument(string argument, Func<PostBatch> create)
    {
        using var scope = NewDisposeScope();
        create.Should().Throw<ArgumentException>().Which.ParamName.Should().Be(argument);
    }

    [Fact]
    public void Null_arguments_throw()
    {
        using var scope = NewDisposeScope();
        FluentActions.Invoking(() => new PostBatch(null!, ones(1, 1), ones(1, 1), ones(1), ones(1), ["a"]))
            .Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("pixels");
    }

    [Fact]
    public void The_batch_owns_its_tensors_beyond_the_callers_scope_and_disposes_them()
    {
        PostBatch batch;
        using (NewDisposeScope())
        {
            batch = Create(tokenTypeIds: zeros(B, L, dtype: ScalarType.Int64));
        }

        batch.Pixels.IsInvalid.Should().BeFalse("a caller's dispose scope must not free the batch's tensors");
        batch.Labels.sum().item<long>().Should().Be(3);
        var tensors = new[] { batch.Pixels, batch.InputIds, batch.AttentionMask, batch.Labels, batch.ImagePresent, batch.TokenTypeIds! };
        batch.Dispose();
        tensors.Should().OnlyContain(t => t.IsInvalid);
        batch.Dispose(); // idempotent
        FluentActions.Invoking(() => batch.To(CPU)).Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void To_copies_and_leaves_the_original_intact()
    {
        using var batch = Create();
        using (var copy = batch.To(CPU))
        {
            copy.Ids.Should().Equal(batch.Ids);
            BitExact.Same(copy.Pixels, batch.Pixels).Should().BeTrue();
            copy.TokenTypeIds.Should().BeNull();
        }

        batch.Pixels.IsInvalid.Should().BeFalse();
    }
}
