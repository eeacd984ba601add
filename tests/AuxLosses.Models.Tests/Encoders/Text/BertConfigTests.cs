using System;
using System.IO;
using FluentAssertions;

namespace AuxLosses.Models.Tests.Encoders.Text;

public sealed class BertConfigTests
{
    [Fact]
    public void FromFile_reads_the_fixture_configs()
    {
        var bert = BertConfig.FromFile(BertFixture.Path(Path.Combine("bert_tiny", "config.json")));
        bert.HiddenSize.Should().Be(32);
        bert.NumHiddenLayers.Should().Be(2);
        bert.NumAttentionHeads.Should().Be(4);
        bert.IntermediateSize.Should().Be(37);
        bert.HiddenAct.Should().Be("gelu");
        bert.IsRobertaFamily.Should().BeFalse();
        bert.MaxSequenceLength.Should().Be(16);

        var roberta = BertConfig.FromFile(BertFixture.Path(Path.Combine("bert_roberta_tiny", "config.json")));
        roberta.HiddenAct.Should().Be("gelu_new");
        roberta.IsRobertaFamily.Should().BeTrue();
        roberta.PadTokenId.Should().Be(1);
        roberta.MaxSequenceLength.Should().Be(12 - 1 - 1);
    }

    [Theory]
    [InlineData("xlm-roberta")]
    [InlineData("camembert")]
    public void Roberta_family_defaults_to_one_token_type_and_pad_one(string modelType)
    {
        var config = BertConfig.FromJson($$"""{"model_type": "{{modelType}}", "max_position_embeddings": 514}""");
        config.IsRobertaFamily.Should().BeTrue();
        config.TypeVocabSize.Should().Be(1);
        config.PadTokenId.Should().Be(1);
        config.MaxSequenceLength.Should().Be(512);
    }

    [Theory]
    [InlineData("""{"hidden_size": 30, "num_attention_heads": 4}""", "hidden_size")]
    [InlineData("""{"hidden_act": "swish"}""", "hidden_act")]
    [InlineData("""{"position_embedding_type": "relative_key"}""", "position_embedding_type")]
    [InlineData("""{"vocab_size": "many"}""", "vocab_size")]
    [InlineData("""{"num_hidden_layers": 0}""", "num_hidden_layers")]
    [InlineData("""{"hidden_dropout_prob": 1.5}""", "hidden_dropout_prob")]
    [InlineData("""{"pad_token_id": 40000}""", "pad_token_id")]
    [InlineData("""{"model_type": "roberta", "max_position_embeddings": 2}""", "max_position_embeddings")]
    [InlineData("""{"layer_norm_eps": 0}""", "layer_norm_eps")]
    [InlineData("""[1, 2]""", "JSON object")]
    [InlineData("""{"hidden_size": 768""", "not valid JSON")]
    public void Invalid_configs_throw_naming_the_field(string json, string field)
    {
        var act = () => BertConfig.FromJson(json);
        act.Should().Throw<FormatException>().Which.Message.Should().Contain(field);
    }

    [Fact]
    public void Missing_file_throws_FileNotFound()
    {
        var act = () => BertConfig.FromFile(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "config.json"));
        act.Should().Throw<FileNotFoundException>();
    }

    [Fact]
    public void Model_constructor_validates_the_config()
    {
        var act = () => new BertModel(new BertConfig { HiddenSize = 10, NumAttentionHeads = 3 });
        act.Should().Throw<ArgumentOutOfRangeException>().Which.Message.Should().Contain("num_attention_heads");
    }
}
