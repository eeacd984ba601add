using System;
using System.IO;
using System.Linq;
using FluentAssertions;
using static TorchSharp.torch;

namespace AuxLosses.Models.Tests.Encoders.Text;

public sealed class BertPretrainedTests
{
    [Fact]
    public void Pickle_only_folder_throws_NotSupported_with_conversion_advice()
    {
        using var dir = new BertFixture.TempDir();
        File.Copy(BertFixture.Path(Path.Combine("bert_tiny", "config.json")), dir.File("config.json"));
        File.WriteAllBytes(dir.File("pytorch_model.bin"), [0x80, 0x02]);
        var act = () => BertModel.FromPretrained(dir.Root);
        act.Should().Throw<NotSupportedException>().Which.Message.Should().Contain("safetensors");
    }

    [Fact]
    public void Folder_without_weights_throws_PretrainedFileNotFound()
    {
        using var dir = new BertFixture.TempDir();
        File.Copy(BertFixture.Path(Path.Combine("bert_tiny", "config.json")), dir.File("config.json"));
        var act = () => BertModel.FromPretrained(dir.Root);
        act.Should().Throw<PretrainedFileNotFoundException>();
    }

    [Fact]
    public void Missing_pooler_is_tolerated_and_reported_like_roberta_base()
    {
        using var dir = new BertFixture.TempDir();
        File.Copy(BertFixture.Path(Path.Combine("bert_roberta_tiny", "config.json")), dir.File("config.json"));
        var weights = SafeTensors.Load(BertFixture.Path(Path.Combine("bert_roberta_tiny", "model.safetensors")));
        try
        {
            SafeTensors.Save(dir.File("model.safetensors"), weights.Where(kv => !kv.Key.Contains("pooler", StringComparison.Ordinal)).ToDictionary());
        }
        finally
        {
            foreach (var t in weights.Values)
            {
                t.Dispose();
            }
        }

        using var model = BertModel.FromPretrained(dir.Root);
        model.LoadReport!.IsClean.Should().BeTrue();
        model.LoadReport.IgnoredMissing.Should().BeEquivalentTo("pooler.dense.bias", "pooler.dense.weight");
    }

    [Fact]
    public void Checkpoint_missing_a_layer_fails_strict_loading_with_the_report()
    {
        using var dir = new BertFixture.TempDir();
        File.Copy(BertFixture.Path(Path.Combine("bert_tiny", "config.json")), dir.File("config.json"));
        var weights = SafeTensors.Load(BertFixture.Path(Path.Combine("bert_tiny", "model.safetensors")));
        try
        {
            SafeTensors.Save(dir.File("model.safetensors"), weights.Where(kv => !kv.Key.Contains("layer.1.", StringComparison.Ordinal)).ToDictionary());
        }
        finally
        {
            foreach (var t in weights.Values)
            {
                t.Dispose();
            }
        }

        var act = () => BertModel.FromPretrained(dir.Root);
        act.Should().Throw<WeightLoadException>().Which.Report!.Missing.Should().HaveCount(16).And.OnlyContain(k => k.StartsWith("encoder.layer.1.", StringComparison.Ordinal));
    }

    [Fact]
    public void Config_that_does_not_fit_the_checkpoint_reports_mismatched_shapes()
    {
        using var dir = new BertFixture.TempDir();
        File.WriteAllText(dir.File("config.json"),
            File.ReadAllText(BertFixture.Path(Path.Combine("bert_tiny", "config.json"))).Replace("\"intermediate_size\": 37", "\"intermediate_size\": 36", StringComparison.Ordinal));
        File.Copy(BertFixture.Path(Path.Combine("bert_tiny", "model.safetensors")), dir.File("model.safetensors"));
        var act = () => BertModel.FromPretrained(dir.Root);
        act.Should().Throw<WeightLoadException>().Which.Report!.Mismatched.Should().HaveCount(2 * 3, "intermediate weight and bias and output weight, per layer");
    }

    [Fact]
    public void Saved_model_round_trips_through_FromPretrained()
    {
        using var dir = new BertFixture.TempDir();
        using var original = BertFixture.TinyModel();
        File.Copy(BertFixture.Path(Path.Combine("bert_tiny", "config.json")), dir.File("config.json"));
        // The tiny preset differs from the fixture config only in fields that do not change shapes or values in eval mode.
        WeightLoader.SaveFile(original, dir.File("model.safetensors"));
        using var loaded = BertModel.FromPretrained(dir.Root);
        loaded.eval();
        using var scope = NewDisposeScope();
        var ids = tensor(new long[] { 2, 7, 9, 3 }).unsqueeze(0);
        loaded.LoadReport!.Renamed.Should().BeEmpty();
        loaded.Encode(ids, ones_like(ids)).LastHiddenState.allclose(original.Encode(ids, ones_like(ids)).LastHiddenState, rtol: 1e-5, atol: 1e-5)
            .Should().BeTrue();
    }
}
