using System.Collections.Generic;
using System.Linq;
using FluentAssertions;
using TorchSharp;

namespace AuxLosses.Models.Tests.Encoders.Text;

/// <summary>State-dict keys and shapes of the full-size architectures against HF's (Fixtures/bert_keys.json).</summary>
public sealed class BertKeyTests
{
    [Theory]
    [InlineData("bert-base-uncased", "bert.")]
    [InlineData("roberta-base", "roberta.")]
    public void Full_size_keys_and_shapes_match_hugging_face(string name, string prefix)
    {
        using var json = BertFixture.Json("bert_keys.json");
        var entry = json.RootElement.GetProperty(name);
        var config = BertConfig.FromJson(entry.GetProperty("config").GetRawText());
        var expected = entry.GetProperty("keys").EnumerateObject()
            .ToDictionary(p => p.Name[prefix.Length..], p => p.Value.EnumerateArray().Select(v => v.GetInt64()).ToArray());

        // The meta device gives the 110M-parameter structure without allocating or initialising it.
        using var model = new BertModel(config, device: torch.META);
        var actual = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);

        expected.Should().HaveCount(199);
        actual.Keys.Should().BeEquivalentTo(expected.Keys);
        foreach (var (key, shape) in expected)
        {
            actual[key].Should().Equal(shape, key);
        }
    }

    [Fact]
    public void Presets_equal_the_published_configs()
    {
        using var json = BertFixture.Json("bert_keys.json");
        foreach (var (name, preset) in new Dictionary<string, BertConfig> { ["bert-base-uncased"] = BertConfig.BertBaseUncased, ["roberta-base"] = BertConfig.RobertaBase })
        {
            var parsed = BertConfig.FromJson(json.RootElement.GetProperty(name).GetProperty("config").GetRawText());
            parsed.Should().BeEquivalentTo(preset, name);
        }
    }

    [Fact]
    public void Without_pooler_there_are_no_pooler_keys_and_pooled_is_null()
    {
        using var model = new BertModel(BertFixture.Tiny(), addPoolingLayer: false);
        model.eval();
        model.state_dict().Keys.Should().NotContain(k => k.StartsWith("pooler", System.StringComparison.Ordinal));
        using var scope = torch.NewDisposeScope();
        var ids = torch.tensor(new long[] { 2, 5, 7 }).unsqueeze(0);
        var result = model.Encode(ids, torch.ones_like(ids));
        result.Pooled.Should().BeNull();
        result.HiddenStates.Should().HaveCount(3);
    }
}
