using System.Linq;
using FluentAssertions;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace AuxLosses.Models.Tests.Encoders;

/// <summary>
/// Parity with the plain-PyTorch port of HF ViTModel in Fixtures/generate_vit.py (hidden 32, 2 layers, 4 heads,
/// MLP 37, 32 px, patch 8 → 16 patches). The reference is computed in float64 from the float32 weights.
/// </summary>
public sealed class VitParityTests(ITestOutputHelper log)
{
    private const double Tolerance = 1e-4;

    [Fact]
    public void Tiny_checkpoint_matches_pytorch_in_float32()
    {
        using var scope = NewDisposeScope();
        using var model = VisionTransformer.FromPretrained(VitFixture.TinyDir);
        model.eval();
        using var json = VitFixture.Json("vit_tiny_expected.json");
        var root = json.RootElement;
        var pixels = VitFixture.Tensor(root.GetProperty("pixels")).to(float32);

        var output = model.EncodeAll(pixels);

        var expectedSequence = VitFixture.Tensor(root.GetProperty("last_hidden_state"));
        VitFixture.MaxAbsDiff(output.LastHiddenState, expectedSequence).Should().BeLessThan(Tolerance);
        VitFixture.MaxAbsDiff(output.Pooled, expectedSequence[.., 0]).Should().BeLessThan(Tolerance);
        VitFixture.MaxAbsDiff(output.Tokens, expectedSequence[.., 1..]).Should().BeLessThan(Tolerance);
        VitFixture.MaxAbsDiff(output.PoolerOutput!, VitFixture.Tensor(root.GetProperty("pooler_output"))).Should().BeLessThan(Tolerance);

        log.WriteLine($"float32 max |diff|: sequence {VitFixture.MaxAbsDiff(output.LastHiddenState, expectedSequence):E2}, "
            + $"pooler {VitFixture.MaxAbsDiff(output.PoolerOutput!, VitFixture.Tensor(root.GetProperty("pooler_output"))):E2}");
        var expectedHidden = root.GetProperty("hidden_states").EnumerateArray().Select(VitFixture.Tensor).ToList();
        output.HiddenStates.Should().HaveCount(expectedHidden.Count).And.HaveCount(model.Config.NumHiddenLayers + 1);
        for (var i = 0; i < expectedHidden.Count; i++)
        {
            VitFixture.MaxAbsDiff(output.HiddenStates[i], expectedHidden[i]).Should().BeLessThan(Tolerance, $"hidden state {i}");
        }

        VitFixture.MaxAbsDiff(model.forward(pixels), expectedSequence).Should().BeLessThan(Tolerance);
    }

    [Fact]
    public void Tiny_checkpoint_matches_pytorch_in_float64_to_1e7()
    {
        using var scope = NewDisposeScope();
        using var model = VisionTransformer.FromPretrained(VitFixture.TinyDir);
        model.eval();
        model.to(float64);
        using var json = VitFixture.Json("vit_tiny_expected.json");
        var root = json.RootElement;
        var output = model.EncodeAll(VitFixture.Tensor(root.GetProperty("pixels")));
        log.WriteLine($"float64 max |diff|: sequence {VitFixture.MaxAbsDiff(output.LastHiddenState, VitFixture.Tensor(root.GetProperty("last_hidden_state"))):E2}");
        VitFixture.MaxAbsDiff(output.LastHiddenState, VitFixture.Tensor(root.GetProperty("last_hidden_state"))).Should().BeLessThan(1e-7);
        VitFixture.MaxAbsDiff(output.PoolerOutput!, VitFixture.Tensor(root.GetProperty("pooler_output"))).Should().BeLessThan(1e-7);
    }

    [Fact]
    public void Encode_returns_cls_as_pooled_and_patches_as_tokens()
    {
        using var scope = NewDisposeScope();
        using var model = VisionTransformer.FromPretrained(VitFixture.TinyDir);
        model.eval();
        using var json = VitFixture.Json("vit_tiny_expected.json");
        var root = json.RootElement;
        var pixels = VitFixture.Tensor(root.GetProperty("pixels")).to(float32);

        var (outputSize, output) = EncodeThroughInterface(model, pixels);

        outputSize.Should().Be(32);
        output.Pooled.shape.Should().Equal(2, 32);
        output.Tokens.shape.Should().Equal(2, 16, 32);
        output.FeatureMap.Should().BeNull();
        var expected = VitFixture.Tensor(root.GetProperty("last_hidden_state"));
        VitFixture.MaxAbsDiff(output.Pooled, expected[.., 0]).Should().BeLessThan(Tolerance);
        VitFixture.MaxAbsDiff(output.Tokens, expected[.., 1..]).Should().BeLessThan(Tolerance);
    }

    // Deliberately through the interface: that is how fusion models call the encoder.
#pragma warning disable CA1859
    private static (long OutputSize, ImageEncoderOutput Output) EncodeThroughInterface(IImageEncoder encoder, Tensor pixels) =>
        (encoder.OutputSize, encoder.Encode(pixels));
#pragma warning restore CA1859

    [Fact]
    public void Classifier_checkpoint_with_vit_prefix_loads_without_pooler_and_ignores_the_head()
    {
        using var scope = NewDisposeScope();
        using var model = VisionTransformer.FromPretrained(VitFixture.ClassifierDir);
        model.eval();
        model.HasPooler.Should().BeFalse();
        model.LoadReport!.IsClean.Should().BeTrue();
        model.LoadReport.IgnoredUnexpected.Should().BeEquivalentTo("classifier.bias", "classifier.weight");
        model.LoadReport.Renamed.Should().ContainKey("vit.embeddings.cls_token").WhoseValue.Should().Be("embeddings.cls_token");

        using var json = VitFixture.Json("vit_tiny_expected.json");
        var root = json.RootElement;
        var output = model.EncodeAll(VitFixture.Tensor(root.GetProperty("pixels")).to(float32), outputHiddenStates: false);
        output.PoolerOutput.Should().BeNull();
        output.HiddenStates.Should().BeEmpty();
        VitFixture.MaxAbsDiff(output.LastHiddenState, VitFixture.Tensor(root.GetProperty("last_hidden_state"))).Should().BeLessThan(Tolerance);
    }

    [Fact]
    public void Demanding_a_pooler_the_checkpoint_lacks_fails_strictly_naming_the_keys()
    {
        var act = () => VisionTransformer.FromPretrained(VitFixture.ClassifierDir, addPoolingLayer: true);
        act.Should().Throw<WeightLoadException>().WithMessage("*pooler.dense.weight*");
    }

    [Fact]
    public void Perturbed_weights_break_parity()
    {
        // Guards against a vacuous comparison: one changed weight must move the output beyond the tolerance.
        using var scope = NewDisposeScope();
        using var model = VisionTransformer.FromPretrained(VitFixture.TinyDir);
        model.eval();
        using (no_grad())
        {
            model.state_dict()["encoder.layer.1.intermediate.dense.weight"].add_(0.05);
        }

        using var json = VitFixture.Json("vit_tiny_expected.json");
        var root = json.RootElement;
        var output = model.forward(VitFixture.Tensor(root.GetProperty("pixels")).to(float32));
        VitFixture.MaxAbsDiff(output, VitFixture.Tensor(root.GetProperty("last_hidden_state"))).Should().BeGreaterThan(1e-2);
    }
}
