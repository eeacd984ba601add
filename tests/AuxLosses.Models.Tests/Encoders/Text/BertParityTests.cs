using System.Linq;
using FluentAssertions;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace AuxLosses.Models.Tests.Encoders.Text;

/// <summary>BertModel against the plain-PyTorch port of HF BertModel/RobertaModel in Fixtures/generate_bert.py.</summary>
public sealed class BertParityTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    [Theory]
    [InlineData("bert_tiny")]
    [InlineData("bert_roberta_tiny")]
    public void FromPretrained_matches_pytorch_reference(string name)
    {
        using var expected = BertFixture.Json(name + "_expected.json");
        var root = expected.RootElement;
        using var model = BertModel.FromPretrained(BertFixture.Path(name));
        model.eval();
        using var scope = NewDisposeScope();
        var ids = BertFixture.Ids(root.GetProperty("input_ids"));
        var mask = BertFixture.Ids(root.GetProperty("attention_mask"));
        var types = BertFixture.Ids(root.GetProperty("token_type_ids"));

        var result = model.Encode(ids, mask, types);

        result.LastHiddenState.shape.Should().Equal(root.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
        var last = BertFixture.MaxError(result.LastHiddenState, BertFixture.Doubles(root.GetProperty("last_hidden_state")));
        var pooled = BertFixture.MaxError(result.Pooled!, BertFixture.Doubles(root.GetProperty("pooled")));
        var states = root.GetProperty("hidden_states").EnumerateArray().ToList();
        result.HiddenStates.Should().HaveCount(states.Count).And.HaveCount(model.NumLayers + 1);
        var stateErrors = result.HiddenStates.Select((s, i) => BertFixture.MaxError(s, BertFixture.Doubles(states[i]))).ToList();
        output.WriteLine($"{name}: last {last:E2}, pooled {pooled:E2}, states [{string.Join(", ", stateErrors.Select(e => e.ToString("E2")))}]");

        last.Should().BeLessThan(Tolerance);
        pooled.Should().BeLessThan(Tolerance);
        stateErrors.Should().OnlyContain(e => e < Tolerance);
    }

    [Theory]
    [InlineData("bert_tiny")]
    [InlineData("bert_roberta_tiny")]
    public void Float64_model_matches_the_float64_reference_closely(string name)
    {
        // The reference is float64 arithmetic on the float32 weights, so a float64 model must agree to rounding;
        // this also checks that the additive mask follows the hidden dtype.
        using var expected = BertFixture.Json(name + "_expected.json");
        var root = expected.RootElement;
        using var model = BertModel.FromPretrained(BertFixture.Path(name));
        model.eval();
        model.to(ScalarType.Float64);
        using var scope = NewDisposeScope();
        var result = model.Encode(
            BertFixture.Ids(root.GetProperty("input_ids")), BertFixture.Ids(root.GetProperty("attention_mask")), BertFixture.Ids(root.GetProperty("token_type_ids")));
        result.LastHiddenState.dtype.Should().Be(ScalarType.Float64);
        var last = BertFixture.MaxError(result.LastHiddenState, BertFixture.Doubles(root.GetProperty("last_hidden_state")));
        var pooled = BertFixture.MaxError(result.Pooled!, BertFixture.Doubles(root.GetProperty("pooled")));
        output.WriteLine($"{name} float64: last {last:E2}, pooled {pooled:E2}");
        last.Should().BeLessThan(1e-8);
        pooled.Should().BeLessThan(1e-8);
    }

    [Fact]
    public void Bert_checkpoint_maps_prefix_and_legacy_layernorm_names_and_ignores_the_head()
    {
        using var model = BertModel.FromPretrained(BertFixture.Path("bert_tiny"));
        var report = model.LoadReport!;
        report.IsClean.Should().BeTrue(report.Describe());
        report.Loaded.Should().HaveCount(model.state_dict().Count);
        report.Renamed.Should().ContainKey("bert.embeddings.LayerNorm.gamma").WhoseValue.Should().Be("embeddings.LayerNorm.weight");
        report.Renamed.Should().ContainKey("bert.encoder.layer.1.output.LayerNorm.beta").WhoseValue.Should().Be("encoder.layer.1.output.LayerNorm.bias");
        report.IgnoredUnexpected.Should().BeEquivalentTo("cls.predictions.bias", "cls.seq_relationship.bias", "cls.seq_relationship.weight");
        model.Config.ModelType.Should().Be("bert");
    }

    [Fact]
    public void Roberta_checkpoint_ignores_lm_head_and_position_ids_buffer()
    {
        using var model = BertModel.FromPretrained(BertFixture.Path("bert_roberta_tiny"));
        var report = model.LoadReport!;
        report.IsClean.Should().BeTrue(report.Describe());
        report.IgnoredUnexpected.Should().BeEquivalentTo("lm_head.bias", "roberta.embeddings.position_ids");
        report.Renamed.Should().ContainKey("roberta.pooler.dense.weight");
        model.Config.IsRobertaFamily.Should().BeTrue();
        model.Config.MaxSequenceLength.Should().Be(10);
    }
}
