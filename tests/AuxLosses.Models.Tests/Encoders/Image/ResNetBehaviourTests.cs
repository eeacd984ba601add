using System;
using System.Linq;
using AuxLosses.Tests.Infrastructure;
using FluentAssertions;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AuxLosses.Models.Tests.Encoders.Image;

/// <summary>Options, encoder outputs, input validation, scope safety and leaks of <see cref="ResNet"/>.</summary>
public sealed class ResNetBehaviourTests
{
    private static ResNetOptions Tiny(long classes = 5, bool frozen = false, bool zeroInit = false) => new()
    {
        NumClasses = classes,
        StemWidth = 4,
        Widths = [4, 8, 8, 16],
        FrozenBatchNorm = frozen,
        ZeroInitResidual = zeroInit,
    };

    private static ResNet TinyBasic(ResNetOptions options) => new(ResNetBlockType.Basic, [1, 1, 1, 1], options);

    private static ResNet TinyBottleneck(ResNetOptions options) => new(ResNetBlockType.Bottleneck, [1, 1, 1, 1], options);

    [Fact]
    public void Encode_returns_pooled_tokens_and_feature_map_consistently()
    {
        using var scope = NewDisposeScope();
        using var model = TinyBottleneck(Tiny(classes: 0));
        model.eval();
        var x = randn(3, 3, 40, 72);
        var encoded = model.Encode(x);
        encoded.FeatureMap!.shape.Should().Equal(3, 64, 2, 3);
        encoded.Pooled.shape.Should().Equal(3, 64);
        encoded.Tokens.shape.Should().Equal(3, 6, 64);
        // Token t is feature-map position (t / w, t % w).
        ResNetFixture.MaxAbsDiff(encoded.Tokens[.., 4], encoded.FeatureMap[.., .., 1, 1]).Should().Be(0);
        // Average pooling and a mean over tokens sum in different orders: compare relative to the magnitude.
        var magnitude = Math.Max(1.0, encoded.Pooled.abs().max().item<float>());
        ResNetFixture.MaxAbsDiff(encoded.Pooled, encoded.Tokens.mean([1])).Should().BeLessThan(1e-5 * magnitude);
        ResNetFixture.MaxAbsDiff(model.forward(x), encoded.Pooled).Should().Be(0, "a headless forward returns the pooled vector");
        ResNetFixture.MaxAbsDiff(model.ForwardFeatures(x), encoded.FeatureMap).Should().Be(0);
        ((IImageEncoder)model).OutputSize.Should().Be(64);
    }

    [Fact]
    public void Forward_with_a_head_returns_logits_of_fc_applied_to_the_pooled_vector()
    {
        using var scope = NewDisposeScope();
        using var model = TinyBasic(Tiny(classes: 7));
        model.eval();
        var x = randn(2, 3, 32, 32);
        var logits = model.forward(x);
        logits.shape.Should().Equal(2, 7);
        var state = model.state_dict();
        var manual = nn.functional.linear(model.Encode(x).Pooled, state["fc.weight"], state["fc.bias"]);
        ResNetFixture.MaxAbsDiff(logits, manual).Should().BeLessThan(1e-6);
    }

    [Fact]
    public void Frozen_batch_norm_stays_in_eval_mode_and_does_not_train()
    {
        using var scope = NewDisposeScope();
        using var model = TinyBottleneck(Tiny(frozen: true));
        model.train();
        model.training.Should().BeTrue();
        var norms = model.modules().OfType<AuxLosses.Models.Internal.KeptAliveBatchNorm2d>().ToList();
        norms.Should().NotBeEmpty().And.OnlyContain(n => !n.training);
        norms.Should().OnlyContain(n => !n.weight!.requires_grad && !n.bias!.requires_grad);
        var before = model.state_dict().Where(kv => kv.Key.Contains("running") || kv.Key.Contains("num_batches")).ToDictionary(kv => kv.Key, kv => kv.Value.clone());

        var x = randn(4, 3, 32, 32);
        var trainOut = model.forward(x);
        trainOut.sum().backward();
        foreach (var (key, value) in before)
        {
            ResNetFixture.MaxAbsDiff(model.state_dict()[key], value).Should().Be(0, $"{key} must not change");
        }

        model.named_parameters().Where(p => p.name.Contains("bn") || p.name.Contains("downsample.1")).Should().OnlyContain(p => ReferenceEquals(p.parameter.grad, null));
        model.named_parameters().Where(p => p.name.Contains("conv")).Should().OnlyContain(p => !ReferenceEquals(p.parameter.grad, null));

        model.eval();
        using (no_grad())
        {
            ResNetFixture.MaxAbsDiff(model.forward(x), trainOut).Should().BeLessThan(1e-6, "train and eval outputs coincide when BN is frozen");
        }
    }

    [Fact]
    public void Unfrozen_batch_norm_updates_its_statistics_in_train_mode()
    {
        using var scope = NewDisposeScope();
        using var model = TinyBasic(Tiny());
        model.train();
        model.modules().OfType<AuxLosses.Models.Internal.KeptAliveBatchNorm2d>().Should().OnlyContain(n => n.training);
        model.forward(randn(4, 3, 32, 32));
        model.state_dict()["bn1.num_batches_tracked"].item<long>().Should().Be(1);
        model.state_dict()["layer1.0.bn1.running_var"].allclose(ones(4)).Should().BeFalse();
    }

    [Fact]
    public void Default_initialisation_follows_torchvision_and_zero_init_residual_zeroes_the_last_norms()
    {
        using var scope = NewDisposeScope();
        using var plain = TinyBottleneck(Tiny());
        using var zeroed = TinyBottleneck(Tiny(zeroInit: true));
        var p = plain.state_dict();
        var z = zeroed.state_dict();
        p["layer2.0.bn3.weight"].eq(1).all().item<bool>().Should().BeTrue();
        p["bn1.bias"].eq(0).all().item<bool>().Should().BeTrue();
        z["layer2.0.bn3.weight"].eq(0).all().item<bool>().Should().BeTrue();
        z["layer2.0.bn2.weight"].eq(1).all().item<bool>().Should().BeTrue();
        z["layer2.0.downsample.1.weight"].eq(1).all().item<bool>().Should().BeTrue("the shortcut norm is not a residual branch");
        // Kaiming normal, fan_out, relu: std = sqrt(2 / (out · k · k)) = sqrt(2 / (64 · 1 · 1)) for layer4.0.conv3 (16 → 64).
        var std = p["layer4.0.conv3.weight"].std().item<float>();
        std.Should().BeApproximately((float)Math.Sqrt(2.0 / 64), 0.03f);

        using var basic = TinyBasic(Tiny(zeroInit: true));
        basic.state_dict()["layer3.0.bn2.weight"].eq(0).all().item<bool>().Should().BeTrue();
        basic.state_dict()["layer3.0.bn1.weight"].eq(1).all().item<bool>().Should().BeTrue();
    }

    [Theory]
    [InlineData(new long[] { 2, 4, 32, 32 }, "3 channels")]
    [InlineData(new long[] { 3, 32, 32 }, "4-D")]
    [InlineData(new long[] { 0, 3, 32, 32 }, "at least one")]
    public void Bad_input_shapes_throw_naming_the_argument(long[] shape, string fragment)
    {
        using var scope = NewDisposeScope();
        using var model = TinyBasic(Tiny());
        var x = zeros(shape);
        var forward = () => model.forward(x);
        forward.Should().Throw<ArgumentException>().WithParameterName("input").WithMessage($"*{fragment}*").WithMessage("*[*]*");
        var encode = () => model.Encode(x);
        encode.Should().Throw<ArgumentException>().WithParameterName("pixels");
    }

    [Fact]
    public void Wrong_dtype_or_null_input_throws_naming_the_argument()
    {
        using var scope = NewDisposeScope();
        using var model = TinyBasic(Tiny());
        var act = () => model.forward(zeros(1, 3, 16, 16, ScalarType.Float64));
        act.Should().Throw<ArgumentException>().WithParameterName("input").WithMessage("*Float32*Float64*");
        var ints = () => model.Encode(zeros(1, 3, 16, 16, ScalarType.Int64));
        ints.Should().Throw<ArgumentException>().WithParameterName("pixels").WithMessage("*Int64*");
        var none = () => model.Encode(null!);
        none.Should().Throw<ArgumentNullException>().WithParameterName("pixels");
    }

    [Fact]
    public void A_single_image_that_shrinks_to_one_pixel_is_rejected_in_training_mode_only()
    {
        using var scope = NewDisposeScope();
        using var model = TinyBasic(Tiny());
        var x = randn(1, 3, 32, 32);
        model.train();
        var act = () => model.forward(x);
        act.Should().Throw<ArgumentException>().WithParameterName("input").WithMessage("*one value per channel*");
        model.forward(randn(1, 3, 33, 32)).shape.Should().Equal(1, 5); // a 2×1 last feature map is enough
        model.eval();
        model.forward(x).shape.Should().Equal(1, 5);
        using var frozen = TinyBasic(Tiny(frozen: true));
        frozen.train();
        frozen.forward(x).shape.Should().Equal(1, 5);
    }

    [Fact]
    public void Invalid_options_throw_naming_them()
    {
        var widths = () => new ResNet(ResNetBlockType.Basic, [1, 1, 1, 1], new ResNetOptions { Widths = [8, 8, 8] });
        widths.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("options").WithMessage("*Widths*");
        var classes = () => new ResNet(ResNetBlockType.Basic, [1, 1, 1, 1], new ResNetOptions { NumClasses = -1, Widths = [4, 4, 4, 4], StemWidth = 4 });
        classes.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*NumClasses*");
        var layers = () => new ResNet(ResNetBlockType.Basic, [1, 0, 1, 1], Tiny());
        layers.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("layers");
        var groupedBasic = () => new ResNet(ResNetBlockType.Basic, [1, 1, 1, 1], new ResNetOptions { Groups = 2, Widths = [4, 4, 4, 4], StemWidth = 4 });
        groupedBasic.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*Basic blocks*Groups*");
    }

    [Fact]
    public void A_model_built_inside_a_dispose_scope_survives_the_scope()
    {
        ResNet model;
        using (NewDisposeScope())
        {
            model = TinyBottleneck(Tiny());
        }

        using (model)
        {
            using var scope = NewDisposeScope();
            model.eval();
            model.forward(randn(1, 3, 32, 32)).isfinite().all().item<bool>().Should().BeTrue();
            model.parameters().Should().OnlyContain(p => !p.IsInvalid);
        }
    }

    [Fact]
    public void Repeated_forward_passes_do_not_leak_tensors()
    {
        using var model = TinyBasic(Tiny());
        model.train();
        using var x = randn(2, 3, 16, 16);
        LeakCheck.AssertFlat(() =>
        {
            using var scope = NewDisposeScope();
            var logits = model.forward(x);
            var encoded = model.Encode(x);
            _ = logits.sum().item<float>() + encoded.Tokens.sum().item<float>();
        });
    }

    [Fact]
    public void Repeated_training_steps_do_not_leak_tensors()
    {
        using var model = TinyBottleneck(Tiny());
        model.train();
        using var x = randn(2, 3, 16, 16);
        using var labels = tensor(new long[] { 1, 3 });
        LeakCheck.AssertFlat(
            () =>
            {
                using var scope = NewDisposeScope();
                model.zero_grad();
                nn.functional.cross_entropy(model.forward(x), labels).backward();
            },
            steps: 30);
        model.parameters().Should().OnlyContain(p => !ReferenceEquals(p.grad, null));
    }
}
