using System;
using System.Linq;
using System.Text.Json;
using AuxLosses;
using AuxLosses.Tests.Infrastructure;
using FluentAssertions;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Tests.Matching;

/// <summary>Agreement with generate_matching.py (PyTorch ports of the paper's and ALBEF's ITM code) to 1e-5.</summary>
public sealed class MatchingFixtureTests
{
    private static readonly Fixture Reference = Fixture.Load("matching.json");

    private static void Close(Tensor actual, JsonElement @case, string key)
    {
        using var expected = Fixture.Tensor(@case, key);
        actual.shape.Should().Equal(expected.shape, key);
        var error = (actual.detach().to(ScalarType.Float64) - expected).abs().max().item<double>();
        error.Should().BeLessThan(1e-5, key);
    }

    private static ImageTextMatchingLoss LoadedLoss(JsonElement @case, long inputSize)
    {
        var loss = new ImageTextMatchingLoss(inputSize);
        loss.to(ScalarType.Float64);
        using (no_grad())
        {
            loss.Head.Weight.copy_(Fixture.Tensor(@case, "head_weight"));
            loss.Head.Bias.copy_(Fixture.Tensor(@case, "head_bias"));
        }

        return loss;
    }

    [Fact]
    public void Paper_late_fusion_itm_loss_and_gradients()
    {
        var @case = Reference.Case("paper_late_fusion");
        using var scope = NewDisposeScope();
        var image = Fixture.Tensor(@case, "image").requires_grad_(true);
        var text = Fixture.Tensor(@case, "text").requires_grad_(true);
        var fusionWeight = Fixture.Tensor(@case, "fusion_weight").requires_grad_(true);
        var fusionBias = Fixture.Tensor(@case, "fusion_bias");
        using var loss = LoadedLoss(@case, fusionWeight.shape[0]);
        var encoder = new LateFusionPairEncoder(image, text, (v, t) => nn.functional.relu(nn.functional.linear(cat(new[] { t, v }, 1), fusionWeight, fusionBias)));
        var pairs = new MatchingPairs(arange(4L), Fixture.Tensor(@case, "text_index"), Fixture.Tensor(@case, "match_labels"), 4, NegativeSamplingStrategy.Random, 0);

        var output = loss.forward(encoder, pairs);
        output.Loss.item<double>().Should().BeApproximately(Fixture.Number(@case, "loss"), 1e-5);
        Close(output.Logits, @case, "logits");
        output.Loss.backward();
        Close(image.grad!, @case, "grad_image");
        Close(text.grad!, @case, "grad_text");
        Close(fusionWeight.grad!, @case, "grad_fusion_weight");
        Close(loss.Head.Weight.grad!, @case, "grad_head_weight");
        Close(loss.Head.Bias.grad!, @case, "grad_head_bias");
    }

    [Fact]
    public void Albef_hard_negative_layout_loss_and_gradients()
    {
        var @case = Reference.Case("albef_layout");
        using var scope = NewDisposeScope();
        var image = Fixture.Tensor(@case, "image").requires_grad_(true);
        var text = Fixture.Tensor(@case, "text").requires_grad_(true);
        var b = image.shape[0];
        using var loss = LoadedLoss(@case, image.shape[1]);
        var rows = arange(b);
        // The sampler's Hard layout: positives, then (negative image, text t), then (image i, negative text).
        var pairs = new MatchingPairs(
            cat(new[] { rows, Fixture.Tensor(@case, "neg_image_for_text"), rows }),
            cat(new[] { rows, rows, Fixture.Tensor(@case, "neg_text_for_image") }),
            cat(new[] { ones(b, dtype: ScalarType.Int64), zeros(2 * b, dtype: ScalarType.Int64) }),
            b, NegativeSamplingStrategy.Hard, 0);
        pairs.MatchLabels.Equals(Fixture.Tensor(@case, "match_labels")).Should().BeTrue();
        var encoder = new LateFusionPairEncoder(image, text, (v, t) => tanh((v * t) + (0.5 * v) - (0.25 * t)));

        var output = loss.forward(encoder, pairs);
        output.Loss.item<double>().Should().BeApproximately(Fixture.Number(@case, "loss"), 1e-5);
        Close(output.Logits, @case, "logits");
        output.Loss.backward();
        Close(image.grad!, @case, "grad_image");
        Close(text.grad!, @case, "grad_text");
        Close(loss.Head.Weight.grad!, @case, "grad_head_weight");
        Close(loss.Head.Bias.grad!, @case, "grad_head_bias");
    }
}
