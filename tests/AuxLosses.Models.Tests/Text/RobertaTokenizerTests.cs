using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using FluentAssertions;

namespace AuxLosses.Models.Tests.Text;

/// <summary>
/// Byte-level BPE on the tiny vocab.json / merges.txt of tokenization_roberta_tiny.json, against the ids a port of
/// GPT-2's bpe() gives (Fixtures/generate_tokenization.py), plus RoBERTa's special-token layout.
/// </summary>
public sealed class RobertaTokenizerTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly JsonDocument _fixture = TokenizationFixture.Load("tokenization_roberta_tiny.json");
    private readonly string _vocabPath;
    private readonly string _mergesPath;
    private readonly Dictionary<string, int> _vocab;

    public RobertaTokenizerTests()
    {
        var root = _fixture.RootElement;
        _vocab = root.GetProperty("vocab").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        _vocabPath = _folder.Write("vocab.json", root.GetProperty("vocab").GetRawText());
        _mergesPath = _folder.Write("merges.txt", string.Join('\n', root.GetProperty("merges").EnumerateArray().Select(e => e.GetString())) + "\n");
    }

    public void Dispose()
    {
        _fixture.Dispose();
        _folder.Dispose();
    }

    private RobertaTokenizer Create(TextTokenizerOptions? options = null, RobertaTokenizerOptions? roberta = null) =>
        RobertaTokenizer.FromFiles(_vocabPath, _mergesPath, options, roberta);

    [Fact]
    public void Ids_match_the_python_byte_level_bpe_port()
    {
        var tokenizer = Create();
        foreach (var c in _fixture.RootElement.GetProperty("cases").EnumerateArray())
        {
            var text = c.GetProperty("text").GetString()!;
            tokenizer.Tokenize(text).Should().Equal(TokenizationFixture.Ints(c.GetProperty("ids")), because: "ids of {0}", text);
        }
    }

    [Fact]
    public void Merges_apply_by_rank_hand_checked()
    {
        var tokenizer = Create();
        // "hello": h e → he, l l → ll, he ll → hell, hell o → hello. " world": Ġ w → Ġw, o r → or, Ġw or → Ġwor, … → Ġworld.
        tokenizer.Tokenize("hello world").Should().Equal(_vocab["hello"], _vocab["\u0120world"]);
        // "é" is two UTF-8 bytes shown as Ã ©; the merge "Ã ©" then "caf é" makes one token.
        tokenizer.Tokenize("café").Should().Equal(_vocab["caf\u00c3\u00a9"]);
    }

    [Fact]
    public void Special_ids_come_from_the_vocabulary()
    {
        var tokenizer = Create();
        tokenizer.BeginningOfSequenceTokenId.Should().Be(0);
        tokenizer.PaddingTokenId.Should().Be(1);
        tokenizer.EndOfSequenceTokenId.Should().Be(2);
        tokenizer.UnknownTokenId.Should().Be(3);
        tokenizer.MaskingTokenId.Should().Be(_vocab["<mask>"]);
        tokenizer.VocabularySize.Should().Be(_vocab.Count);
    }

    [Fact]
    public void Singles_and_pairs_use_roberta_layout_with_zero_token_types()
    {
        var tokenizer = Create();
        int hello = _vocab["hello"], world = _vocab["\u0120world"];
        using var batch = tokenizer.Encode(["hello world", "hello"], ["hello", "hello"]);
        batch.GetInputIds(0).Should().Equal(0, hello, world, 2, 2, hello, 2);
        batch.GetInputIds(1).Should().Equal(0, hello, 2, 2, hello, 2, 1);
        batch.GetAttentionMask(1).Should().Equal(1, 1, 1, 1, 1, 1, 0);
        batch.GetTokenTypeIds(0).Should().OnlyContain(t => t == 0);

        using var single = tokenizer.Encode(["hello world", "hello"]);
        single.GetInputIds(1).Should().Equal(0, hello, 2, 1);
        single.InputIds.shape.Should().Equal(2, 4);
    }

    [Fact]
    public void Truncation_keeps_bos_and_eos()
    {
        var tokenizer = Create(new TextTokenizerOptions { MaxLength = 3, Padding = PaddingStrategy.MaxLength });
        using var batch = tokenizer.Encode(["hello world"]);
        batch.GetInputIds(0).Should().Equal(0, _vocab["hello"], 2);
        FluentActions.Invoking(() => tokenizer.Encode(["a"], ["b"])).Should().Throw<ArgumentException>().WithMessage("*4 special tokens*");
    }

    [Fact]
    public void Mask_token_is_kept_whole_and_absorbs_the_space_before_it()
    {
        var tokenizer = Create();
        tokenizer.Tokenize("hello <mask> world").Should().Equal(_vocab["hello"], _vocab["<mask>"], _vocab["\u0120world"]);
    }

    [Fact]
    public void Prefix_space_option_encodes_the_first_word_like_the_others()
    {
        Create(roberta: new RobertaTokenizerOptions { AddPrefixSpace = true }).Tokenize("world").Should().Equal(_vocab["\u0120world"]);
        Create().Tokenize("world").Should().NotEqual([_vocab["\u0120world"]]);
    }

    [Fact]
    public void Decode_round_trips_bytes()
    {
        var tokenizer = Create();
        using var batch = tokenizer.Encode(["café in the world!!"]);
        tokenizer.Decode(batch.GetInputIds(0), skipSpecialTokens: true).Should().Be("café in the world!!");
    }

    [Fact]
    public void Bad_files_and_input_throw()
    {
        var missing = Path.Combine(_folder.Path, "missing-merges.txt");
        FluentActions.Invoking(() => RobertaTokenizer.FromFiles(_vocabPath, missing)).Should().Throw<FileNotFoundException>()
            .Where(e => e.FileName == missing && e.Message.Contains(missing, StringComparison.Ordinal));

        // BERTweet's fastBPE files: "token count" lines and "a b count" codes.
        var fastBpeVocab = _folder.Write("bertweet-vocab.txt", "the 100\nhel@@ 50\n");
        var codes = _folder.Write("bpe.codes", "h e 10\n");
        FluentActions.Invoking(() => RobertaTokenizer.FromFiles(fastBpeVocab, codes)).Should().Throw<NotSupportedException>().WithMessage("*fastBPE*");

        FluentActions.Invoking(() => Create(roberta: new RobertaTokenizerOptions { MaskingToken = "[MASK]" }))
            .Should().Throw<ArgumentException>().WithMessage("*[MASK]*");
        var tokenizer = Create();
        FluentActions.Invoking(() => tokenizer.Tokenize(null!)).Should().Throw<ArgumentNullException>().WithParameterName("text");
        FluentActions.Invoking(() => tokenizer.Encode(["a"], null!)).Should().Throw<ArgumentNullException>().WithParameterName("pairs");
    }

    [Fact]
    public void Both_tokenizers_share_the_interface()
    {
        var tokenizers = new List<ITextTokenizer> { Create(new TextTokenizerOptions { NormalizeTweets = true }) };
        var tokenizer = tokenizers[0];
        using var batch = tokenizer.Encode(["@someone hello"]);
        // "@USER hello": normalization ran before BPE.
        tokenizer.Decode(batch.GetInputIds(0), skipSpecialTokens: true).Should().Be("@USER hello");
    }
}
