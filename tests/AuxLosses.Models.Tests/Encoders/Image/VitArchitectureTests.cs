using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using AuxLosses.Tests.Infrastructure;
using FluentAssertions;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Models.Tests.Encoders;

/// <summary>Key names, shapes, config parsing, input validation and leaks.</summary>
public sealed class VitArchitectureTests
{
    // google/vit-base-patch16-224-in21k's config.json.
    private const string BaseConfigJson = """
        {
          "architectures": ["ViTModel"],
          "attention_probs_dropout_prob": 0.0,
          "hidden_act": "gelu",
          "hidden_dropout_prob": 0.0,
          "hidden_size": 768,
          "image_size": 224,
          "initializer_range": 0.02,
          "intermediate_size": 3072,
          "layer_norm_eps": 1e-12,
          "model_type": "vit",
          "num_attention_heads": 12,
          "num_channels": 3,
          "num_hidden_layers": 12,
          "patch_size": 16,
          "qkv_bias": true,
          "transformers_version": "4.13.0.dev0"
        }
        """;

    private static VitConfig Tiny => VitConfig.FromFile(Path.Combine(VitFixture.TinyDir, "config.json"));

    [Fact]
    public void Base_model_has_exactly_the_hf_in21k_keys_and_shapes()
    {
        using var json = VitFixture.Json("vit_base_in21k_keys.json");
        var expected = json.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(e => e.GetInt64()).ToArray());
        expected.Should().HaveCount(200);

        using var model = new VisionTransformer(VitConfig.FromJson(BaseConfigJson));
        var actual = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);

        actual.Keys.Should().BeEquivalentTo(expected.Keys);
        foreach (var (key, shape) in expected)
        {
            actual[key].Should().Equal(shape, key);
        }

        model.OutputSize.Should().Be(768);
        model.Config.NumPatches.Should().Be(196);
        actual.Values.Sum(s => s.Aggregate(1L, (a, b) => a * b)).Should().Be(86_389_248, "ViT-B/16 in21k ViTModel has 86.4 M parameters");
    }

    [Fact]
    public void Preset_equals_the_in21k_config()
    {
        var preset = VitConfig.VitBasePatch16_224;
        var parsed = VitConfig.FromJson(BaseConfigJson);
        parsed.Should().BeEquivalentTo(preset);
        (preset.HiddenSize, preset.NumHiddenLayers, preset.NumAttentionHeads, preset.IntermediateSize).Should().Be((768L, 12, 12L, 3072L));
        (preset.ImageSize, preset.PatchSize, preset.NumChannels, preset.QkvBias, preset.HiddenAct, preset.LayerNormEps)
            .Should().Be((224L, 16L, 3L, true, "gelu", 1e-12));
    }

    [Fact]
    public void Config_reads_the_tiny_fixture_and_defaults_absent_keys()
    {
        var tiny = Tiny;
        (tiny.HiddenSize, tiny.NumHiddenLayers, tiny.NumAttentionHeads, tiny.IntermediateSize, tiny.ImageSize, tiny.PatchSize)
            .Should().Be((32L, 2, 4L, 37L, 32L, 8L));
        var sparse = VitConfig.FromJson("""{"hidden_size": 64, "num_attention_heads": 4}""");
        sparse.HiddenSize.Should().Be(64);
        sparse.QkvBias.Should().BeTrue();
        sparse.NumChannels.Should().Be(3);
        sparse.ImageSize.Should().Be(224);
    }

    [Theory]
    [InlineData("""{"hidden_size": 30, "num_attention_heads": 4}""", "NumAttentionHeads")]
    [InlineData("""{"image_size": 30, "patch_size": 8}""", "PatchSize")]
    [InlineData("""{"hidden_act": "mish"}""", "HiddenAct")]
    [InlineData("""{"num_hidden_layers": 0}""", "NumHiddenLayers")]
    [InlineData("""{"hidden_size": "768"}""", "hidden_size")]
    [InlineData("""[1, 2]""", "json")]
    [InlineData("""{"hidden_size": """, "json")]
    public void Bad_config_throws_naming_the_field(string json, string name)
    {
        var act = () => VitConfig.FromJson(json);
        act.Should().Throw<ArgumentException>().Where(e => e.Message.Contains(name, StringComparison.Ordinal) || e.ParamName == name);
    }

    [Fact]
    public void Hidden_state_count_is_layers_plus_one_and_first_is_the_embedding_output()
    {
        using var scope = NewDisposeScope();
        using var model = new VisionTransformer(new VitConfig { HiddenSize = 16, NumHiddenLayers = 3, NumAttentionHeads = 2, IntermediateSize = 20, ImageSize = 16, PatchSize = 4 });
        model.eval();
        var output = model.EncodeAll(randn(2, 3, 16, 16));
        output.HiddenStates.Should().HaveCount(4);
        output.HiddenStates.Should().AllSatisfy(h => h.shape.Should().Equal(2, 17, 16));
        output.LastHiddenState.shape.Should().Equal(2, 17, 16);
        output.Tokens.shape.Should().Equal(2, 16, 16);
        output.PoolerOutput!.shape.Should().Equal(2, 16);
        // The final LayerNorm (fresh: weight 1, bias 0) applied to the last hidden state gives the sequence output.
        var normed = nn.functional.layer_norm(output.HiddenStates[^1], [16], eps: 1e-12);
        VitFixture.MaxAbsDiff(output.LastHiddenState, normed).Should().BeLessThan(1e-5);
    }

    [Fact]
    public void Fresh_model_follows_hf_initialization()
    {
        using var model = new VisionTransformer(Tiny, addPoolingLayer: false);
        var state = model.state_dict();
        state.Keys.Should().NotContain(k => k.StartsWith("pooler.", StringComparison.Ordinal));
        state["layernorm.weight"].allclose(ones(32)).Should().BeTrue();
        state["encoder.layer.0.attention.attention.query.bias"].count_nonzero().item<long>().Should().Be(0);
        var std = state["encoder.layer.0.intermediate.dense.weight"].std().item<float>();
        std.Should().BeInRange(0.015f, 0.025f);
    }

    [Fact]
    public void Model_built_inside_a_dispose_scope_survives_it()
    {
        VisionTransformer model;
        using (NewDisposeScope())
        {
            model = new VisionTransformer(Tiny);
        }

        using (model)
        using (NewDisposeScope())
        {
            var act = () => model.forward(randn(1, 3, 32, 32));
            act.Should().NotThrow();
        }
    }

    public static TheoryData<long[], string> BadShapes => new()
    {
        { [2, 3, 16, 32], "32x32" },
        { [2, 3, 64, 64], "64x64" },
        { [2, 1, 32, 32], "3 channels" },
        { [2, 4, 32, 32], "got 4" },
        { [3, 32, 32], "rank 4" },
        { [0, 3, 32, 32], "empty batch" },
    };

    [Theory]
    [MemberData(nameof(BadShapes))]
    public void Bad_input_shape_throws_naming_pixels_and_the_problem(long[] shape, string fragment)
    {
        using var scope = NewDisposeScope();
        using var model = new VisionTransformer(Tiny);
        var pixels = randn(shape);
        var act = () => model.forward(pixels);
        act.Should().Throw<ArgumentException>().Where(e => e.ParamName == "pixels").WithMessage($"*{fragment}*");
        var encode = () => model.Encode(pixels);
        encode.Should().Throw<ArgumentException>().Where(e => e.ParamName == "pixels");
    }

    [Fact]
    public void Bad_dtype_or_non_finite_input_throws()
    {
        using var scope = NewDisposeScope();
        using var model = new VisionTransformer(Tiny);
        var asDouble = () => model.forward(randn(1, 3, 32, 32, float64));
        asDouble.Should().Throw<ArgumentException>().WithMessage("*Float64*");
        var asInt = () => model.forward(ones(1, 3, 32, 32, int64));
        asInt.Should().Throw<ArgumentException>().WithMessage("*floating point*");
        var nan = randn(1, 3, 32, 32);
        nan[0, 1, 2, 3] = tensor(float.NaN);
        var withNan = () => model.forward(nan);
        withNan.Should().Throw<ArgumentException>().WithMessage("*NaN*");
    }

    [Fact]
    public void Missing_checkpoint_files_throw_listing_where_it_looked()
    {
        var dir = Path.Combine(Path.GetTempPath(), "auxlosses-vit-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            File.Copy(Path.Combine(VitFixture.TinyDir, "config.json"), Path.Combine(dir, "config.json"));
            var act = () => VisionTransformer.FromPretrained(dir);
            act.Should().Throw<PretrainedFileNotFoundException>().WithMessage("*model.safetensors*");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Repeated_forward_and_backward_do_not_leak_tensors()
    {
        using var model = VisionTransformer.FromPretrained(VitFixture.TinyDir);
        model.train();
        using var pixels = randn(2, 3, 32, 32);
        LeakCheck.AssertFlat(() =>
        {
            using var scope = NewDisposeScope();
            model.zero_grad();
            var output = model.EncodeAll(pixels);
            var loss = output.Pooled.square().mean() + output.PoolerOutput!.mean() + output.HiddenStates[1].mean();
            loss.backward();
        });
        model.parameters().Should().AllSatisfy(p => p.grad.Should().NotBeNull());
    }

    [Fact]
    public void Gradients_reach_every_parameter_through_encode()
    {
        using var scope = NewDisposeScope();
        using var model = new VisionTransformer(Tiny, addPoolingLayer: false);
        var output = model.Encode(randn(2, 3, 32, 32));
        (output.Pooled.sum() + output.Tokens.square().sum()).backward();
        foreach (var (name, p) in model.named_parameters())
        {
            p.grad.Should().NotBeNull(name);
            p.grad!.abs().sum().item<float>().Should().BeGreaterThan(0f, name);
        }
    }
}
