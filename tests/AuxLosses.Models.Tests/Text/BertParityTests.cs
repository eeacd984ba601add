using System.Linq;
using AuxLosses.Models.Tests.Infrastructure;
using FluentAssertions;

namespace AuxLosses.Models.Tests.Text;

/// <summary>
/// Ids for tricky strings on the real bert-base-uncased vocabulary against a port of Hugging Face's tokenizer
/// (Fixtures/generate_tokenization.py → tokenization_bert_uncased.json).
/// </summary>
public sealed class BertParityTests
{
    private const string Vocab = "bert-base-uncased-vocab.txt";

    private static BertTokenizer Create(TextTokenizerOptions? options = null) =>
        BertTokenizer.FromVocabFile(SharedData.Find(Vocab)!, options);

    [SharedDataFact(Vocab)]
    public void Every_fixture_case_gives_hugging_face_ids_and_decoding()
    {
        var tokenizer = Create();
        using var fixture = TokenizationFixture.Load("tokenization_bert_uncased.json");
        var cases = fixture.RootElement.GetProperty("cases");
        cases.GetArrayLength().Should().BeGreaterThan(30);
        foreach (var c in cases.EnumerateArray())
        {
            var text = c.GetProperty("text").GetString()!;
            var expected = TokenizationFixture.Ints(c.GetProperty("ids"));
            tokenizer.Tokenize(text).Should().Equal(expected, because: "ids of {0}", text);
            tokenizer.Decode(expected.Select(i => (long)i), skipSpecialTokens: true)
                .Should().Be(c.GetProperty("decoded").GetString(), because: "decoding of {0}", text);
        }
    }

    [SharedDataFact(Vocab)]
    public void Special_token_ids_match_the_vocabulary()
    {
        var tokenizer = Create();
        using var fixture = TokenizationFixture.Load("tokenization_bert_uncased.json");
        var root = fixture.RootElement;
        tokenizer.ClassificationTokenId.Should().Be(root.GetProperty("cls_id").GetInt32()).And.Be(101);
        tokenizer.SeparatorTokenId.Should().Be(root.GetProperty("sep_id").GetInt32()).And.Be(102);
        tokenizer.PaddingTokenId.Should().Be(root.GetProperty("pad_id").GetInt32()).And.Be(0);
        tokenizer.UnknownTokenId.Should().Be(root.GetProperty("unk_id").GetInt32()).And.Be(100);
        tokenizer.VocabularySize.Should().Be(30522);
    }

    [SharedDataFact(Vocab)]
    public void Batch_encoding_wraps_each_text_in_cls_and_sep()
    {
        var tokenizer = Create();
        using var batch = tokenizer.Encode(["Hello, World!", "The quick brown fox jumps over the lazy dog."]);
        batch.GetInputIds(0).Should().Equal(101, 7592, 1010, 2088, 999, 102, 0, 0, 0, 0, 0, 0);
        batch.GetAttentionMask(0).Should().Equal(1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0);
        batch.Lengths.Should().Equal(6, 12);
    }

    // Budgets worked by hand from the fixture lengths (5 + 12 tokens, 19 + 2 tokens) and tokenizers' longest_first rule.
    [SharedDataFact(Vocab)]
    public void Pairs_are_truncated_longest_first()
    {
        AssertPair(0, 16, 5, 8);   // budget 13: only the longer second segment is cut
        AssertPair(0, 8, 2, 3);    // budget 5: both cut to floor/ceil of half, first gets the floor
        AssertPair(1, 10, 5, 2);   // budget 7: only the longer first segment is cut
        AssertPair(1, 64, 19, 2);  // fits: nothing cut
    }

    private static void AssertPair(int pairIndex, int maxLength, int keepFirst, int keepSecond)
    {
        var tokenizer = Create(new TextTokenizerOptions { MaxLength = maxLength });
        using var fixture = TokenizationFixture.Load("tokenization_bert_uncased.json");
        var pair = fixture.RootElement.GetProperty("pairs")[pairIndex];
        var a = TokenizationFixture.Ints(pair.GetProperty("first_ids"));
        var b = TokenizationFixture.Ints(pair.GetProperty("second_ids"));
        new[] { a.Length, b.Length }.Should().Equal(pairIndex == 0 ? [5, 12] : [19, 2]);

        using var batch = tokenizer.Encode([pair.GetProperty("first").GetString()!], [pair.GetProperty("second").GetString()!]);
        var expected = new long[] { 101 }.Concat(a.Take(keepFirst).Select(i => (long)i)).Append(102)
            .Concat(b.Take(keepSecond).Select(i => (long)i)).Append(102).ToArray();
        batch.GetInputIds(0).Should().Equal(expected);
        batch.GetTokenTypeIds(0).Should().Equal(Enumerable.Repeat(0L, keepFirst + 2).Concat(Enumerable.Repeat(1L, keepSecond + 1)));
        batch.SequenceLength.Should().Be(keepFirst + keepSecond + 3);
    }
}
