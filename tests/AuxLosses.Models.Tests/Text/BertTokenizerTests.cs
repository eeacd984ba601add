using System;
using System.IO;
using System.Linq;
using FluentAssertions;
using TorchSharp;

namespace AuxLosses.Models.Tests.Text;

/// <summary>BERT tokenization on a tiny vocabulary the test writes: ids, padding, truncation, pairs, bad input.</summary>
public sealed class BertTokenizerTests : IDisposable
{
    // id = line number
    private static readonly string[] Vocabulary =
    [
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",          // 0-4
        "hello", "world", "##s", "un", "##aff", "##able",     // 5-10
        ",", "!", "a", "b", "$", "@", "user", "httpurl", ".", // 11-19
        "cafe", "x", "##x", "'", "t", "don",                  // 20-25
    ];

    private readonly TempFolder _folder = new();
    private readonly string _vocabPath;

    public BertTokenizerTests() => _vocabPath = _folder.Write("vocab.txt", string.Join('\n', Vocabulary) + "\n");

    public void Dispose() => _folder.Dispose();

    private BertTokenizer Create(TextTokenizerOptions? options = null, BertTokenizerOptions? bert = null) =>
        BertTokenizer.FromVocabFile(_vocabPath, options, bert);

    [Fact]
    public void Words_split_into_longest_wordpieces()
    {
        var tokenizer = Create();
        tokenizer.TokenizeToStrings("Hello, worlds! unaffable").Should().Equal("hello", ",", "world", "##s", "!", "un", "##aff", "##able");
        tokenizer.Tokenize("Hello, worlds! unaffable").Should().Equal(5, 11, 6, 7, 12, 8, 9, 10);
    }

    [Fact]
    public void Hugging_face_rules_that_the_library_normalizer_breaks_hold()
    {
        var tokenizer = Create();
        // Tabs and newlines separate words (the library's normalizer deletes them: "helloworld" → [UNK]).
        tokenizer.Tokenize("hello\tworld\nhello\r\nworld").Should().Equal(5, 6, 5, 6);
        // Symbols are punctuation and emoji stay as [UNK] (the library's pre-tokenizer drops both).
        tokenizer.Tokenize("a$b 😀 a").Should().Equal(13, 15, 14, 1, 13);
        // Accents are stripped, zero-width and control characters vanish.
        tokenizer.Tokenize("Café ca\u200Bfe\u0007").Should().Equal(20, 20);
        // Special tokens written in the text stay whole.
        tokenizer.Tokenize("hello [MASK] world").Should().Equal(5, 4, 6);
    }

    [Fact]
    public void Unknown_and_over_long_words_become_unk()
    {
        var tokenizer = Create(bert: new BertTokenizerOptions { MaxInputCharsPerWord = 5 });
        tokenizer.Tokenize("xxxxx").Should().Equal(21, 22, 22, 22, 22);
        tokenizer.Tokenize("xxxxxx").Should().Equal(1);
        tokenizer.Tokenize("hellq").Should().Equal(1);
        // The limit counts code points, not UTF-16 units: five astral characters are still one 5-character word.
        tokenizer.Tokenize("𝐱𝐱𝐱𝐱𝐱").Should().Equal(1);
        Create().Tokenize(new string('x', 101)).Should().Equal(1);
        Create().Tokenize(new string('x', 100)).Should().HaveCount(100);
    }

    [Fact]
    public void Cased_options_keep_case_and_accents()
    {
        var tokenizer = Create(bert: new BertTokenizerOptions { LowerCase = false });
        tokenizer.Tokenize("hello Hello café").Should().Equal(5, 1, 1);
        var stripped = Create(bert: new BertTokenizerOptions { LowerCase = false, StripAccents = true });
        stripped.Tokenize("cafe café").Should().Equal(20, 20);
    }

    [Fact]
    public void Longest_padding_masks_and_types()
    {
        var tokenizer = Create();
        using var batch = tokenizer.Encode(["hello world", "a", ""]);
        batch.BatchSize.Should().Be(3);
        batch.SequenceLength.Should().Be(4);
        batch.GetInputIds(0).Should().Equal(2, 5, 6, 3);
        batch.GetInputIds(1).Should().Equal(2, 13, 3, 0);
        batch.GetInputIds(2).Should().Equal(2, 3, 0, 0);
        batch.GetAttentionMask(1).Should().Equal(1, 1, 1, 0);
        batch.GetAttentionMask(2).Should().Equal(1, 1, 0, 0);
        batch.GetTokenTypeIds(0).Should().Equal(0, 0, 0, 0);
        batch.Lengths.Should().Equal(4, 3, 2);
    }

    [Fact]
    public void Max_length_padding_and_single_truncation_keep_special_tokens()
    {
        var padded = Create(new TextTokenizerOptions { MaxLength = 6, Padding = PaddingStrategy.MaxLength });
        using (var batch = padded.Encode(["hello"]))
        {
            batch.GetInputIds(0).Should().Equal(2, 5, 3, 0, 0, 0);
        }

        var cut = Create(new TextTokenizerOptions { MaxLength = 4 });
        using (var batch = cut.Encode(["hello world a b"]))
        {
            batch.GetInputIds(0).Should().Equal(2, 5, 6, 3);
            batch.Lengths.Should().Equal(4);
        }

        var minimal = Create(new TextTokenizerOptions { MaxLength = 2 });
        using (var batch = minimal.Encode(["hello"]))
        {
            batch.GetInputIds(0).Should().Equal(2, 3);
        }
    }

    [Fact]
    public void Pairs_get_separator_and_second_segment_type()
    {
        var tokenizer = Create();
        using var batch = tokenizer.Encode(["hello world", "a"], ["a b", "hello"]);
        batch.GetInputIds(0).Should().Equal(2, 5, 6, 3, 13, 14, 3);
        batch.GetTokenTypeIds(0).Should().Equal(0, 0, 0, 0, 1, 1, 1);
        batch.GetInputIds(1).Should().Equal(2, 13, 3, 5, 3, 0, 0);
        batch.GetTokenTypeIds(1).Should().Equal(0, 0, 0, 1, 1, 0, 0);
        batch.GetAttentionMask(1).Should().Equal(1, 1, 1, 1, 1, 0, 0);
    }

    [Fact]
    public void Tensors_are_int64_n_by_l_and_outlive_dispose_scopes()
    {
        var tokenizer = Create();
        using var batch = tokenizer.Encode(["hello world", "a"], ["b", "b"]);
        torch.Tensor ids, mask, types;
        using (torch.NewDisposeScope())
        {
            ids = batch.InputIds;
            mask = batch.AttentionMask;
            types = batch.TokenTypeIds;
        }

        foreach (var t in new[] { ids, mask, types })
        {
            t.dtype.Should().Be(torch.ScalarType.Int64);
            t.shape.Should().Equal(2, 6);
            t.IsInvalid.Should().BeFalse();
        }

        ids.data<long>().ToArray().Should().Equal(batch.GetInputIds(0).Concat(batch.GetInputIds(1)));
        mask.sum().item<long>().Should().Be(6 + 5);
        types.data<long>().ToArray().Should().Equal(0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0);
        batch.Dispose();
        ids.IsInvalid.Should().BeTrue();
    }

    [Fact]
    public void Decode_follows_hugging_face_clean_up()
    {
        var tokenizer = Create();
        using var batch = tokenizer.Encode(["Hello, worlds! unaffable don't"]);
        tokenizer.Decode(batch.GetInputIds(0), skipSpecialTokens: true).Should().Be("hello, worlds! unaffable don't");
        tokenizer.Decode([2, 5, 3, 0], skipSpecialTokens: false).Should().Be("[CLS] hello [SEP] [PAD]");
        FluentActions.Invoking(() => tokenizer.Decode([26], true)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("ids");
    }

    [Fact]
    public void Tweet_normalization_runs_before_tokenizing_when_enabled()
    {
        var on = Create(new TextTokenizerOptions { NormalizeTweets = true });
        on.Tokenize("@bob hello https://t.co/xyz.").Should().Equal(16, 17, 5, 18, 19);
        var off = Create();
        off.Tokenize("@bob hello").Should().Equal(16, 1, 5);
    }

    [Fact]
    public void Bad_input_throws_naming_the_argument()
    {
        var tokenizer = Create();
        FluentActions.Invoking(() => tokenizer.Tokenize(null!)).Should().Throw<ArgumentNullException>().WithParameterName("text");
        FluentActions.Invoking(() => tokenizer.Encode(["a", null!])).Should().Throw<ArgumentNullException>().WithParameterName("texts").WithMessage("*texts[1]*");
        FluentActions.Invoking(() => tokenizer.Encode(["a"], [null!])).Should().Throw<ArgumentNullException>().WithParameterName("pairs");
        FluentActions.Invoking(() => tokenizer.Encode(null!)).Should().Throw<ArgumentNullException>().WithParameterName("texts");
        FluentActions.Invoking(() => tokenizer.Encode([])).Should().Throw<ArgumentException>().WithParameterName("texts");
        FluentActions.Invoking(() => tokenizer.Encode(["a", "b"], ["a"])).Should().Throw<ArgumentException>().WithParameterName("pairs").WithMessage("*(2)*got 1*");
        FluentActions.Invoking(() => Create(new TextTokenizerOptions { MaxLength = 1 })).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("MaxLength");
        FluentActions.Invoking(() => Create(new TextTokenizerOptions { MaxLength = 2 }).Encode(["a"], ["b"])).Should().Throw<ArgumentException>().WithMessage("*3 special tokens*");
        FluentActions.Invoking(() => Create(new TextTokenizerOptions { MaxLength = 3, Truncation = false }).Encode(["a b"])).Should().Throw<ArgumentException>().WithMessage("*Truncation*");
        FluentActions.Invoking(() => Create(bert: new BertTokenizerOptions { MaskingToken = "<mask>" })).Should().Throw<ArgumentException>().WithMessage("*<mask>*");

        var missing = Path.Combine(_folder.Path, "nope.txt");
        FluentActions.Invoking(() => BertTokenizer.FromVocabFile(missing)).Should().Throw<FileNotFoundException>()
            .Where(e => e.FileName == missing && e.Message.Contains(missing, StringComparison.Ordinal));
    }
}
