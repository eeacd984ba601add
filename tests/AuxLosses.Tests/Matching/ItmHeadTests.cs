using System;
using System.Linq;
using AuxLosses;
using FluentAssertions;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Tests.Matching;

public sealed class ItmHeadTests
{
    [Fact]
    public void Computes_a_linear_two_way_projection_with_albef_state_dict_keys()
    {
        using var head = new ItmHead(3);
        head.state_dict().Keys.Should().BeEquivalentTo("weight", "bias");
        head.Weight.shape.Should().Equal(2, 3);
        using (no_grad())
        {
            head.Weight.copy_(tensor(new float[] { 1, 0, -1, 0.5f, 2, 0 }).reshape(2, 3));
            head.Bias.copy_(tensor(new float[] { 0.25f, -1 }));
        }

        using var fused = tensor(new float[] { 1, 2, 3, -1, 0, 4 }).reshape(2, 3);
        using var logits = head.call(fused);
        // Row 0: [1 − 3 + 0.25, 0.5 + 4 − 1] ; row 1: [−1 − 4 + 0.25, −0.5 − 1].
        logits.data<float>().ToArray().Should().Equal(-1.75f, 3.5f, -4.75f, -1.5f);
    }

    [Fact]
    public void Initializes_like_nn_linear()
    {
        using var head = new ItmHead(400);
        var bound = 1 / Math.Sqrt(400);
        head.Weight.abs().max().item<float>().Should().BeLessThanOrEqualTo((float)bound);
        head.Weight.abs().max().item<float>().Should().BeGreaterThan((float)(0.9 * bound));
        head.Bias.abs().max().item<float>().Should().BeLessThanOrEqualTo((float)bound);
    }

    [Fact]
    public void Optional_hidden_layer_adds_hidden_parameters_and_relu()
    {
        using var head = new ItmHead(4, new ItmHeadOptions { HiddenSize = 8, Dropout = 0.1 });
        head.state_dict().Keys.Should().BeEquivalentTo("weight", "bias", "hidden.weight", "hidden.bias");
        head.Weight.shape.Should().Equal(2, 8);
        head.eval();
        using var fused = randn(5, 4);
        using var logits = head.call(fused);
        logits.shape.Should().Equal(5, 2);
        var hiddenWeight = head.named_parameters().First(p => p.name == "hidden.weight").parameter;
        var hiddenBias = head.named_parameters().First(p => p.name == "hidden.bias").parameter;
        using var expected = nn.functional.linear(nn.functional.relu(nn.functional.linear(fused, hiddenWeight, hiddenBias)), head.Weight, head.Bias);
        logits.allclose(expected, 1e-6, 1e-6).Should().BeTrue();
    }

    [Fact]
    public void Survives_the_dispose_scope_it_was_created_in()
    {
        ItmHead head;
        using (NewDisposeScope())
        {
            head = new ItmHead(3, new ItmHeadOptions { HiddenSize = 2 });
        }

        using var fused = ones(1, 3);
        using var logits = head.call(fused);
        logits.isfinite().all().item<bool>().Should().BeTrue();
        head.Dispose();
    }

    [Fact]
    public void Rejects_bad_options_and_input()
    {
        FluentActions.Invoking(() => new ItmHead(0)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("inputSize");
        FluentActions.Invoking(() => new ItmHead(3, new ItmHeadOptions { HiddenSize = 0 })).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*HiddenSize*");
        FluentActions.Invoking(() => new ItmHead(3, new ItmHeadOptions { Dropout = 1 })).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*Dropout*");

        using var head = new ItmHead(3);
        using var wide = randn(2, 4);
        FluentActions.Invoking(() => head.call(wide)).Should().Throw<ArgumentException>().Where(e => e.ParamName == "fused" && e.Message.Contains("[2, 4]"));
        using var rank3 = randn(2, 3, 1);
        FluentActions.Invoking(() => head.call(rank3)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("fused");
        using var doubles = randn(2, 3, dtype: ScalarType.Float64);
        FluentActions.Invoking(() => head.call(doubles)).Should().Throw<ArgumentException>().Where(e => e.ParamName == "fused" && e.Message.Contains("Float64"));
        using var integers = zeros(new long[] { 2, 3 }, dtype: ScalarType.Int64);
        FluentActions.Invoking(() => head.call(integers)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("fused");
    }
}
