using AuxLosses.Models.Tests.Infrastructure;
using FluentAssertions;
using static TorchSharp.torch;

namespace AuxLosses.Models.Tests.Encoders.Text;

/// <summary>The real bert-base-uncased vocabulary feeding a narrow model with the full vocabulary size.</summary>
public sealed class BertTokenizerIntegrationTests
{
    private const string Vocab = "bert-base-uncased-vocab.txt";

    [SharedDataFact(Vocab)]
    public void Tokenizer_batch_encodes_with_padding_invariance()
    {
        var tokenizer = BertTokenizer.FromVocabFile(SharedData.Find(Vocab)!);
        using var generator = new Generator(1);
        using var model = new BertModel(
            new BertConfig { VocabSize = tokenizer.VocabularySize, HiddenSize = 16, NumHiddenLayers = 1, NumAttentionHeads = 2, IntermediateSize = 24, InitializerRange = 0.5 },
            generator: generator);
        model.eval();
        using var both = tokenizer.Encode(["a short post", "a much longer post about the flood photos from this morning"]);
        using var alone = tokenizer.Encode(["a short post"]);
        using var scope = NewDisposeScope();

        var batched = model.Encode(both.InputIds, both.AttentionMask, both.TokenTypeIds);
        var single = model.Encode(alone.InputIds, alone.AttentionMask, alone.TokenTypeIds);

        batched.LastHiddenState.shape.Should().Equal(2, both.SequenceLength, 16);
        var length = alone.SequenceLength;
        batched.LastHiddenState[0, TensorIndex.Slice(0, length)].sub(single.LastHiddenState[0]).abs().max().item<float>().Should().BeLessThan(1e-5f);
    }
}
