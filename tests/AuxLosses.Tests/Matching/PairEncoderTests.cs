using System;
using System.Linq;
using AuxLosses;
using FluentAssertions;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Tests.Matching;

public sealed class PairEncoderTests
{
    [Fact]
    public void Late_fusion_gathers_the_requested_rows_of_token_level_features()
    {
        using var image = arange(2 * 3 * 2, dtype: ScalarType.Float32).reshape(2, 3, 2);
        using var text = arange(2 * 4 * 2, dtype: ScalarType.Float32).reshape(2, 4, 2) * -1;
        var encoder = new LateFusionPairEncoder(image, text, (i, t) => i[.., 0] + t[.., 0]);
        encoder.BatchSize.Should().Be(2);
        encoder.Device.type.Should().Be(DeviceType.CPU);
        using var fused = encoder.EncodePairs(tensor(new long[] { 1, 0, 1 }), tensor(new long[] { 0, 1, 1 }));
        // First tokens: image [0, 1], [6, 7]; text [0, −1], [−8, −9].
        fused.data<float>().ToArray().Should().Equal(6f, 6f, -8f, -8f, -2f, -2f);
    }

    [Fact]
    public void Early_fusion_passes_indices_through_and_checks_the_output()
    {
        var encoder = new EarlyFusionPairEncoder(3, (i, t) => stack(new[] { i, t }, 1).to(ScalarType.Float32));
        using var fused = encoder.EncodePairs(tensor(new long[] { 2, 0 }), tensor(new long[] { 1, 1 }));
        fused.data<float>().ToArray().Should().Equal(2f, 1f, 0f, 1f);

        var dropsRows = new EarlyFusionPairEncoder(3, (i, _) => zeros(1, 4));
        FluentActions.Invoking(() => dropsRows.EncodePairs(tensor(new long[] { 2, 0 }), tensor(new long[] { 1, 1 })))
            .Should().Throw<ArgumentException>().WithMessage("*pair model output*2*[1, 4]*");
        var notFloat = new EarlyFusionPairEncoder(3, (i, _) => i.unsqueeze(1));
        FluentActions.Invoking(() => notFloat.EncodePairs(tensor(new long[] { 2, 0 }), tensor(new long[] { 1, 1 })))
            .Should().Throw<ArgumentException>().WithMessage("*pair model output*floating*");
    }

    [Fact]
    public void Rejects_mismatched_batches_and_bad_indices_naming_the_argument()
    {
        using var image = randn(3, 2);
        using var text = randn(4, 2);
        Func<Tensor, Tensor, Tensor> add = (i, t) => i + t;
        FluentActions.Invoking(() => new LateFusionPairEncoder(image, text, add)).Should().Throw<ArgumentException>()
            .Where(e => e.ParamName == "text" && e.Message.Contains("[4, 2]") && e.Message.Contains("(3)"));
        using var ints = zeros(new long[] { 3, 2 }, dtype: ScalarType.Int64);
        FluentActions.Invoking(() => new LateFusionPairEncoder(ints, image, add)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("image");
        using var empty = zeros(0, 2);
        FluentActions.Invoking(() => new LateFusionPairEncoder(empty, empty, add)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("image");
        FluentActions.Invoking(() => new LateFusionPairEncoder(image, image, (Func<Tensor, Tensor, Tensor>)null!)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => new EarlyFusionPairEncoder(0, add)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("batchSize");

        var encoder = new LateFusionPairEncoder(image, image, add);
        using var ok = tensor(new long[] { 0, 2 });
        using var tooBig = tensor(new long[] { 0, 3 });
        FluentActions.Invoking(() => encoder.EncodePairs(tooBig, ok)).Should().Throw<ArgumentOutOfRangeException>()
            .Where(e => e.ParamName == "imageIndex" && e.Message.Contains("[0, 3)"));
        using var negative = tensor(new long[] { -1, 0 });
        FluentActions.Invoking(() => encoder.EncodePairs(ok, negative)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("textIndex");
        using var floats = tensor(new float[] { 0, 1 });
        FluentActions.Invoking(() => encoder.EncodePairs(ok, floats)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("textIndex");
        using var longer = tensor(new long[] { 0, 1, 2 });
        FluentActions.Invoking(() => encoder.EncodePairs(ok, longer)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("textIndex");
        using var matrix = zeros(new long[] { 2, 1 }, dtype: ScalarType.Int64);
        FluentActions.Invoking(() => encoder.EncodePairs(matrix, ok)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("imageIndex");
        FluentActions.Invoking(() => encoder.EncodePairs(null!, ok)).Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("imageIndex");
    }
}
