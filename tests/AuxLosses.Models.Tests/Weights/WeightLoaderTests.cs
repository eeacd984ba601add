using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using AuxLosses.Tests.Infrastructure;
using FluentAssertions;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AuxLosses.Models.Tests.Weights;

public sealed class WeightLoaderTests
{
    /// <summary>A BERT-ish block: Linear(3→2) named 'dense' and LayerNorm(2) named 'LayerNorm', plus a buffer.</summary>
    private sealed class Block : nn.Module<Tensor, Tensor>
    {
        public Block()
            : base(nameof(Block))
        {
            dense = nn.Linear(3, 2);
            LayerNorm = nn.LayerNorm(2);
            register_buffer("position_ids", arange(4, dtype: ScalarType.Int64).DetachFromDisposeScope());
            RegisterComponents();
        }

#pragma warning disable IDE1006, SA1300, CA1051 // state-dict names follow PyTorch
        public readonly Linear dense;
        public readonly LayerNorm LayerNorm;
#pragma warning restore IDE1006, SA1300, CA1051

        public override Tensor forward(Tensor input) => LayerNorm.forward(dense.forward(input));
    }

    private static Tensor F(params float[] values) => tensor(values);

    private static Tensor L(params long[] values) => tensor(values);

    private static Dictionary<string, Tensor> Exact(Block block) =>
        block.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone() + 0);

    [Fact]
    public void Exact_keys_load_cleanly_and_values_are_copied()
    {
        using var scope = NewDisposeScope();
        var block = new Block();
        var weights = new Dictionary<string, Tensor>
        {
            ["dense.weight"] = full(new long[] { 2, 3 }, 0.5f),
            ["dense.bias"] = F(1f, -1f),
            ["LayerNorm.weight"] = F(2f, 3f),
            ["LayerNorm.bias"] = F(0.1f, 0.2f),
            ["position_ids"] = L(3, 2, 1, 0),
        };

        var report = WeightLoader.Load(block, weights);

        report.IsClean.Should().BeTrue(report.Describe());
        report.Loaded.Should().HaveCount(5);
        report.Renamed.Should().BeEmpty();
        block.dense.weight!.data<float>().ToArray().Should().AllBeEquivalentTo(0.5f);
        block.LayerNorm.bias!.data<float>().ToArray().Should().Equal(0.1f, 0.2f);
        block.get_buffer("position_ids")!.data<long>().ToArray().Should().Equal(3L, 2L, 1L, 0L);
        block.dense.weight!.requires_grad.Should().BeTrue("loading must not change requires_grad");
    }

    [Fact]
    public void PyTorch_fixture_with_bert_prefix_gamma_beta_and_bf16_loads_with_conversion()
    {
        using var scope = NewDisposeScope();
        var block = new Block();
        using var expected = WeightsFixture.Json("weights_legacy.json");
        var report = WeightLoader.LoadFile(block, WeightsFixture.Path("weights_legacy.safetensors"), new WeightLoadOptions
        {
            Strict = false,
        });

        report.Loaded.Should().BeEquivalentTo("dense.weight", "dense.bias", "LayerNorm.weight", "LayerNorm.bias");
        report.Renamed.Should().Contain("bert.LayerNorm.gamma", "LayerNorm.weight").And.Contain("bert.dense.weight", "dense.weight");
        report.Converted.Should().BeEquivalentTo("dense.weight", "dense.bias", "LayerNorm.weight", "LayerNorm.bias");
        report.Unexpected.Should().Equal("cls.predictions.bias");
        report.Missing.Should().Equal("position_ids");
        report.IsClean.Should().BeFalse();

        double[] Values(string key) => expected.RootElement.GetProperty("tensors").GetProperty(key).GetProperty("values")
            .EnumerateArray().Select(e => e.GetDouble()).ToArray();
        block.dense.weight!.dtype.Should().Be(ScalarType.Float32, "the module keeps its dtype");
        block.dense.weight!.to_type(ScalarType.Float64).flatten().data<double>().ToArray().Should().Equal(Values("bert.dense.weight"));
        block.LayerNorm.weight!.data<float>().ToArray().Should().Equal(1.5f, 0.5f);
        block.LayerNorm.bias!.data<float>().ToArray().Should().Equal(0.25f, -0.75f);
    }

    [Fact]
    public void Strict_mode_throws_listing_every_problem_and_leaves_the_module_unchanged()
    {
        using var scope = NewDisposeScope();
        var block = new Block();
        var before = block.dense.bias!.clone();
        var weights = new Dictionary<string, Tensor>
        {
            ["dense.weight"] = zeros(3, 2),          // transposed: shape mismatch
            ["dense.bias"] = F(9f, 9f), // fine, but must not be copied
            ["LayerNorm.weight"] = ones(2),
            ["extra.head"] = ones(1),
        };

        var act = () => WeightLoader.Load(block, weights);

        var e = act.Should().Throw<WeightLoadException>().Which;
        e.Message.Should().Contain("LayerNorm.bias").And.Contain("position_ids").And.Contain("extra.head")
            .And.Contain("dense.weight: shape [3, 2] does not match [2, 3]");
        e.Report!.Missing.Should().Equal("LayerNorm.bias", "position_ids");
        e.Report.Unexpected.Should().Equal("extra.head");
        e.Report.Mismatched.Should().ContainSingle().Which.Key.Should().Be("dense.weight");
        SafeTensorsTests.Same(block.dense.bias!, before).Should().BeTrue("strict failure copies nothing");
    }

    [Fact]
    public void Non_strict_mode_never_broadcasts_a_mismatched_shape()
    {
        using var scope = NewDisposeScope();
        var block = new Block();
        var before = block.dense.weight!.clone();
        // [3] would broadcast into [2, 3] under TorchSharp's copy_; it must be refused instead.
        var weights = new Dictionary<string, Tensor> { ["dense.weight"] = ones(3) };

        var report = WeightLoader.Load(block, weights, new WeightLoadOptions { Strict = false });

        report.Mismatched.Should().ContainSingle().Which.Reason.Should().Contain("[3] does not match [2, 3]");
        report.Loaded.Should().BeEmpty();
        SafeTensorsTests.Same(block.dense.weight!, before).Should().BeTrue();
    }

    [Fact]
    public void Float_into_integer_buffer_is_a_dtype_mismatch()
    {
        using var scope = NewDisposeScope();
        var block = new Block();
        var weights = Exact(block);
        weights["position_ids"] = arange(4, dtype: ScalarType.Float32);
        var report = WeightLoader.Load(block, weights, new WeightLoadOptions { Strict = false });
        report.Mismatched.Should().ContainSingle().Which.Reason.Should().Contain("dtype Float32 cannot be converted to Int64");
    }

    [Fact]
    public void Prefixes_are_stripped_and_added_and_exact_names_win()
    {
        using var scope = NewDisposeScope();
        var block = new Block();
        var weights = Exact(block).ToDictionary(kv => "roberta." + kv.Key, kv => kv.Value);
        weights["dense.bias"] = F(7f, 8f); // exact name beats "roberta.dense.bias"
        var report = WeightLoader.Load(block, weights, new WeightLoadOptions { Strict = false });
        report.Loaded.Should().HaveCount(5);
        report.Unexpected.Should().Equal("roberta.dense.bias");
        block.dense.bias!.data<float>().ToArray().Should().Equal(7f, 8f);

        // A module whose keys carry the prefix accepts a checkpoint without it.
        var outer = nn.Sequential(("bert", block));
        var bare = Exact(block);
        WeightLoader.Load(outer, bare).Loaded.Should().Contain("bert.dense.weight");
    }

    [Fact]
    public void Legacy_layer_norm_rename_can_be_switched_off()
    {
        using var scope = NewDisposeScope();
        var block = new Block();
        var weights = Exact(block);
        weights["LayerNorm.gamma"] = weights["LayerNorm.weight"];
        weights.Remove("LayerNorm.weight");
        var report = WeightLoader.Load(block, weights, new WeightLoadOptions { Strict = false, RenameLegacyLayerNorm = false });
        report.Missing.Should().Equal("LayerNorm.weight");
        report.Unexpected.Should().Equal("LayerNorm.gamma");
    }

    [Fact]
    public void User_rename_and_ignore_predicates_apply()
    {
        using var scope = NewDisposeScope();
        var block = new Block();
        var weights = Exact(block).ToDictionary(kv => kv.Key.Replace("dense", "fc", StringComparison.Ordinal), kv => kv.Value);
        weights["pooler.weight"] = ones(1);
        weights["drop.me"] = ones(1);
        weights.Remove("position_ids");

        var report = WeightLoader.Load(block, weights, new WeightLoadOptions
        {
            Rename = k => k == "drop.me" ? null : k.Replace("fc.", "dense.", StringComparison.Ordinal),
            IgnoreMissing = k => k == "position_ids",
            IgnoreUnexpected = k => k.StartsWith("pooler.", StringComparison.Ordinal),
        });

        report.IsClean.Should().BeTrue(report.Describe());
        report.Renamed.Should().Contain("fc.weight", "dense.weight");
        report.IgnoredMissing.Should().Equal("position_ids");
        report.IgnoredUnexpected.Should().Equal("drop.me", "pooler.weight");
    }

    [Fact]
    public void TorchSharp_native_format_round_trips_with_a_report_and_is_detected()
    {
        using var dir = WeightsFixture.NewTempDir();
        using var scope = NewDisposeScope();
        var source = new Block();
        var path = dir.File("block.dat");
        source.save(path);

        WeightLoader.DetectFormat(path).Should().Be(WeightFormat.TorchSharp);
        var target = new Block();
        var report = WeightLoader.LoadFile(target, path);
        report.IsClean.Should().BeTrue(report.Describe());
        SafeTensorsTests.Same(target.dense.weight!, source.dense.weight!).Should().BeTrue();

        // And our safetensors output is readable by magic even without the extension.
        var st = dir.File("block.weights");
        WeightLoader.SaveFile(source, st, WeightFormat.SafeTensors);
        WeightLoader.DetectFormat(st).Should().Be(WeightFormat.SafeTensors);
        var again = new Block();
        WeightLoader.LoadFile(again, st).IsClean.Should().BeTrue();
        SafeTensorsTests.Same(again.LayerNorm.weight!, source.LayerNorm.weight!).Should().BeTrue();

        // The file TorchSharp's own load reads back is what SaveFile wrote in native format.
        var native = dir.File("again.dat");
        WeightLoader.SaveFile(again, native);
        var third = new Block();
        third.load(native);
        SafeTensorsTests.Same(third.dense.bias!, source.dense.bias!).Should().BeTrue();
    }

    [Fact]
    public void Corrupt_TorchSharp_file_names_the_file()
    {
        using var dir = WeightsFixture.NewTempDir();
        using var scope = NewDisposeScope();
        var path = dir.File("block.dat");
        new Block().save(path);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^5]);
        var act = () => WeightLoader.ReadFile(path);
        act.Should().Throw<InvalidDataException>().WithMessage("*block.dat*");

        File.WriteAllBytes(path, [0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 1, 2]);
        act.Should().Throw<InvalidDataException>().WithMessage("*entry count*");
    }

    [Fact]
    public void Missing_file_is_a_FileNotFoundException()
    {
        var act = () => WeightLoader.LoadFile(nn.Linear(1, 1), "/nonexistent/weights.safetensors");
        act.Should().Throw<FileNotFoundException>().WithMessage("*weights.safetensors*");
    }

    [Fact]
    public void Repeated_loading_does_not_leak_tensors()
    {
        var block = new Block();
        var path = WeightsFixture.Path("weights_legacy.safetensors");
        var options = new WeightLoadOptions { Strict = false };
        void Step()
        {
            using var scope = NewDisposeScope();
            WeightLoader.LoadFile(block, path, options);
            var loss = block.forward(ones(1, 3)).sum();
            loss.backward();
            block.zero_grad();
        }

        LeakCheck.AssertFlat(Step);
    }
}
