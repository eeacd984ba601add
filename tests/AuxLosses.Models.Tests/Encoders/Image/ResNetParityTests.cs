using System.Linq;
using FluentAssertions;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace AuxLosses.Models.Tests.Encoders.Image;

/// <summary>
/// Narrow ResNet-18 (basic, 2-2-2-2, widths 4/8/16/32) and ResNet-50 (bottleneck, 1-2-2-1, widths 4/8/16/32)
/// layouts against torchvision 0.14 outputs on a [2, 3, 64, 64] input (Fixtures/generate_resnet.py).
/// </summary>
public sealed class ResNetParityTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    [Theory]
    [InlineData("basic", ResNetBlockType.Basic, new[] { 2, 2, 2, 2 }, 32)]
    [InlineData("bottleneck", ResNetBlockType.Bottleneck, new[] { 1, 2, 2, 1 }, 128)]
    [InlineData("grouped", ResNetBlockType.Bottleneck, new[] { 1, 1, 1, 1 }, 128)]
    public void FromPretrained_infers_the_architecture_and_matches_torchvision_in_eval_mode(string name, ResNetBlockType block, int[] layers, long channels)
    {
        using var scope = NewDisposeScope();
        var io = ResNetFixture.Load($"resnet_tiny_{name}_io.safetensors");
        using var model = ResNet.FromPretrained(ResNetFixture.Path($"resnet_tiny_{name}.safetensors"), null, null, out var report);
        report.IsClean.Should().BeTrue(report.Describe());
        report.Renamed.Should().BeEmpty("torchvision key names are the module's own names");
        model.BlockType.Should().Be(block);
        model.Layers.Should().Equal(layers);
        model.OutputSize.Should().Be(channels);
        model.NumClasses.Should().Be(10);
        model.eval();

        using (no_grad())
        {
            var logits = model.forward(io["input"]);
            var encoded = model.Encode(io["input"]);
            var logitsErr = ResNetFixture.MaxAbsDiff(logits, io["logits"]);
            var pooledErr = ResNetFixture.MaxAbsDiff(encoded.Pooled, io["pooled"]);
            var mapErr = ResNetFixture.MaxAbsDiff(encoded.FeatureMap!, io["feature_map"]);
            var tokensErr = ResNetFixture.MaxAbsDiff(encoded.Tokens, io["feature_map"].flatten(2).transpose(1, 2));
            output.WriteLine($"{name}: max |Δ| logits {logitsErr:E2}, pooled {pooledErr:E2}, feature map {mapErr:E2}, tokens {tokensErr:E2}");
            logitsErr.Should().BeLessThan(Tolerance);
            pooledErr.Should().BeLessThan(Tolerance);
            mapErr.Should().BeLessThan(Tolerance);
            tokensErr.Should().BeLessThan(Tolerance);
            encoded.Tokens.shape.Should().Equal(2, 4, channels);
        }
    }

    [Theory]
    [InlineData("basic")]
    [InlineData("bottleneck")]
    [InlineData("grouped")]
    public void A_train_mode_forward_matches_torchvision_including_the_running_statistics(string name)
    {
        using var scope = NewDisposeScope();
        var io = ResNetFixture.Load($"resnet_tiny_{name}_io.safetensors");
        using var model = ResNet.FromPretrained(ResNetFixture.Path($"resnet_tiny_{name}.safetensors"));
        model.train();
        using (no_grad())
        {
            var logits = model.forward(io["input"]);
            var err = ResNetFixture.MaxAbsDiff(logits, io["train_logits"]);
            output.WriteLine($"{name}: train-mode max |Δ| logits {err:E2}");
            err.Should().BeLessThan(Tolerance);
        }

        var state = model.state_dict();
        ResNetFixture.MaxAbsDiff(state["bn1.running_mean"], io["train_bn1_running_mean"]).Should().BeLessThan(1e-5);
        ResNetFixture.MaxAbsDiff(state["bn1.running_var"], io["train_bn1_running_var"]).Should().BeLessThan(1e-5);
        state["bn1.num_batches_tracked"].item<long>().Should().Be(io["train_bn1_num_batches_tracked"].item<long>()).And.Be(8);
    }

    [Fact]
    public void The_grouped_layout_is_inferred_from_the_checkpoint()
    {
        using var model = ResNet.FromPretrained(ResNetFixture.Path("resnet_tiny_grouped.safetensors"));
        model.Options.Groups.Should().Be(2);
        model.Options.WidthPerGroup.Should().Be(64);
        model.Options.Widths.Should().Equal(4L, 8L, 16L, 32L);
        model.Options.StemWidth.Should().Be(8);
    }

    [Fact]
    public void An_explicitly_built_narrow_model_loads_the_same_weights_strictly()
    {
        using var scope = NewDisposeScope();
        var io = ResNetFixture.Load("resnet_tiny_bottleneck_io.safetensors");
        using var model = new ResNet(ResNetBlockType.Bottleneck, [1, 2, 2, 1], new ResNetOptions { NumClasses = 10, StemWidth = 8, Widths = [4, 8, 16, 32] });
        var report = model.LoadWeights(ResNetFixture.Path("resnet_tiny_bottleneck.safetensors"));
        report.Loaded.Count.Should().Be(model.state_dict().Count);
        model.eval();
        using (no_grad())
        {
            ResNetFixture.MaxAbsDiff(model.forward(io["input"]), io["logits"]).Should().BeLessThan(Tolerance);
        }
    }

    [Fact]
    public void A_module_prefixed_checkpoint_loads_into_a_headless_model_and_reports_the_dropped_head()
    {
        using var scope = NewDisposeScope();
        var io = ResNetFixture.Load("resnet_tiny_basic_io.safetensors");
        var weights = ResNetFixture.Load("resnet_tiny_basic.safetensors");
        var file = ResNetFixture.TempFile(".safetensors");
        try
        {
            SafeTensors.Save(file, weights.ToDictionary(kv => "module." + kv.Key, kv => kv.Value));
            using var model = ResNet.FromPretrained(file, new ResNetOptions { NumClasses = 0 }, null, out var report);
            report.IsClean.Should().BeTrue(report.Describe());
            report.IgnoredUnexpected.Should().BeEquivalentTo("module.fc.weight", "module.fc.bias");
            report.Renamed.Should().ContainKey("module.conv1.weight").WhoseValue.Should().Be("conv1.weight");
            model.state_dict().Keys.Should().NotContain(k => k.StartsWith("fc."));
            model.eval();
            using (no_grad())
            {
                var pooled = model.forward(io["input"]);
                ResNetFixture.MaxAbsDiff(pooled, io["pooled"]).Should().BeLessThan(Tolerance);
            }
        }
        finally
        {
            System.IO.File.Delete(file);
        }
    }

    [Fact]
    public void A_different_class_count_keeps_a_fresh_head_and_reports_it_as_ignored()
    {
        using var scope = NewDisposeScope();
        using var model = ResNet.FromPretrained(ResNetFixture.Path("resnet_tiny_basic.safetensors"), new ResNetOptions { NumClasses = 3 }, null, out var report);
        model.NumClasses.Should().Be(3);
        report.IgnoredMissing.Should().BeEquivalentTo("fc.weight", "fc.bias");
        report.IgnoredUnexpected.Should().BeEquivalentTo("fc.weight", "fc.bias");
        model.eval();
        using (no_grad())
        {
            model.forward(randn(1, 3, 32, 32)).shape.Should().Equal(1, 3);
        }
    }

    [Fact]
    public void Strict_loading_fails_on_a_missing_key_and_names_it()
    {
        using var scope = NewDisposeScope();
        var weights = ResNetFixture.Load("resnet_tiny_basic.safetensors");
        weights.Remove("layer3.1.bn2.running_var");
        var file = ResNetFixture.TempFile(".safetensors");
        try
        {
            SafeTensors.Save(file, weights);
            var act = () => ResNet.FromPretrained(file);
            act.Should().Throw<WeightLoadException>().WithMessage("*layer3.1.bn2.running_var*");
        }
        finally
        {
            System.IO.File.Delete(file);
        }
    }

    [Fact]
    public void A_file_without_a_resnet_stem_is_rejected()
    {
        using var scope = NewDisposeScope();
        var file = ResNetFixture.TempFile(".safetensors");
        try
        {
            SafeTensors.Save(file, new System.Collections.Generic.Dictionary<string, Tensor> { ["encoder.weight"] = zeros(2, 2) });
            var act = () => ResNet.FromPretrained(file);
            act.Should().Throw<System.IO.InvalidDataException>().WithMessage("*conv1.weight*");
        }
        finally
        {
            System.IO.File.Delete(file);
        }
    }

    [Fact]
    public void A_timm_deep_stem_checkpoint_is_rejected_with_a_clear_message()
    {
        using var scope = NewDisposeScope();
        var file = ResNetFixture.TempFile(".safetensors");
        try
        {
            SafeTensors.Save(file, new System.Collections.Generic.Dictionary<string, Tensor>
            {
                ["conv1.0.weight"] = zeros(32, 3, 3, 3),
                ["layer1.0.conv1.weight"] = zeros(64, 64, 1, 1),
            });
            var act = () => ResNet.FromPretrained(file);
            act.Should().Throw<System.IO.InvalidDataException>().WithMessage("*deep-stem*");
        }
        finally
        {
            System.IO.File.Delete(file);
        }
    }
}
