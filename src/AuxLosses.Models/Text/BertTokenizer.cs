using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using AuxLosses.Models.Internal;
using MlBertOptions = Microsoft.ML.Tokenizers.BertOptions;
using MlBertTokenizer = Microsoft.ML.Tokenizers.BertTokenizer;

namespace AuxLosses.Models;

/// <summary>
/// BERT WordPiece tokenizer that gives Hugging Face's ids (<c>BertTokenizer</c>/<c>BertTokenizerFast</c>) for a
/// <c>vocab.txt</c>: <c>[CLS] A [SEP]</c> or <c>[CLS] A [SEP] B [SEP]</c> (B's token type 1), truncation and padding.
/// </summary>
/// <remarks>
/// Built on Microsoft.ML.Tokenizers' <see cref="MlBertTokenizer"/> for the vocabulary, WordPiece (greedy longest match,
/// "##" continuation) and special-token ids. The basic step before WordPiece (cleaning, CJK spacing, lowercasing,
/// accent stripping, punctuation split) is a port of Hugging Face's <c>BasicTokenizer</c>, because the library's own
/// normalizer and pre-tokenizer drop symbols and emoji, delete tabs and newlines instead of treating them as spaces and
/// recompose Hangul, which changes ids. Special tokens written in the text ("[MASK]") are kept whole, as in Hugging Face.
/// Thread-safe after construction.
/// </remarks>
public sealed class BertTokenizer : ITextTokenizer
{
    private readonly MlBertTokenizer _wordPiece;
    private readonly BertBasicTokenizer _basic;
    private readonly BertTokenizerOptions _bertOptions;
    private readonly SpecialTokenTemplate _template;
    private readonly HashSet<int> _specialIds;
    private readonly string[] _idToToken;

    private BertTokenizer(MlBertTokenizer wordPiece, string[] idToToken, BertTokenizerOptions bertOptions, TextTokenizerOptions options)
    {
        _wordPiece = wordPiece;
        _bertOptions = bertOptions;
        Options = options;
        _basic = new BertBasicTokenizer(
            bertOptions.LowerCase,
            bertOptions.StripAccents ?? bertOptions.LowerCase,
            bertOptions.TokenizeChineseChars,
            [bertOptions.UnknownToken, bertOptions.SeparatorToken, bertOptions.PaddingToken, bertOptions.ClassificationToken, bertOptions.MaskingToken]);

        _idToToken = idToToken;
        VocabularySize = idToToken.Length;

        ClassificationTokenId = wordPiece.ClassificationTokenId;
        SeparatorTokenId = wordPiece.SeparatorTokenId;
        PaddingTokenId = wordPiece.PaddingTokenId;
        MaskingTokenId = wordPiece.MaskingTokenId;
        UnknownTokenId = wordPiece.UnknownTokenId;
        _specialIds = [ClassificationTokenId, SeparatorTokenId, PaddingTokenId, MaskingTokenId, UnknownTokenId];
        _template = new SpecialTokenTemplate([ClassificationTokenId], [SeparatorTokenId], [SeparatorTokenId], [SeparatorTokenId], SecondSegmentType: 1);
    }

    /// <summary>Loads a WordPiece vocabulary (one token per line, the line number is the id).</summary>
    /// <param name="vocabPath">Path of <c>vocab.txt</c>.</param>
    /// <param name="options">Batch options; default <see cref="TextTokenizerOptions"/> (512, longest padding, truncation).</param>
    /// <param name="bertOptions">WordPiece options; default <see cref="BertTokenizerOptions"/> (uncased).</param>
    /// <exception cref="FileNotFoundException">The vocabulary file does not exist.</exception>
    /// <exception cref="ArgumentException">A special token is missing from the vocabulary.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static BertTokenizer FromVocabFile(string vocabPath, TextTokenizerOptions? options = null, BertTokenizerOptions? bertOptions = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(vocabPath);
        if (!File.Exists(vocabPath))
        {
            throw new FileNotFoundException($"BERT vocabulary file '{vocabPath}' does not exist.", vocabPath);
        }

        using var stream = File.OpenRead(vocabPath);
        return FromVocabStream(stream, options, bertOptions);
    }

    /// <summary>Loads a WordPiece vocabulary from a stream (left open).</summary>
    /// <param name="vocabStream">UTF-8 <c>vocab.txt</c> content.</param>
    /// <param name="options">Batch options; default <see cref="TextTokenizerOptions"/>.</param>
    /// <param name="bertOptions">WordPiece options; default <see cref="BertTokenizerOptions"/> (uncased).</param>
    /// <exception cref="ArgumentException">A special token is missing from the vocabulary.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static BertTokenizer FromVocabStream(Stream vocabStream, TextTokenizerOptions? options = null, BertTokenizerOptions? bertOptions = null)
    {
        ArgumentNullException.ThrowIfNull(vocabStream);
        options ??= new TextTokenizerOptions();
        bertOptions ??= new BertTokenizerOptions();
        options.Validate();
        if (bertOptions.MaxInputCharsPerWord < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(bertOptions), bertOptions.MaxInputCharsPerWord, $"{nameof(BertTokenizerOptions.MaxInputCharsPerWord)} must be at least 1, got {bertOptions.MaxInputCharsPerWord}.");
        }

        var mlOptions = new MlBertOptions
        {
            // The basic step is ours (see remarks); the library only splits our words on the single spaces we join with.
            ApplyBasicTokenization = false,
            LowerCaseBeforeTokenization = false,
            UnknownToken = bertOptions.UnknownToken,
            ClassificationToken = bertOptions.ClassificationToken,
            SeparatorToken = bertOptions.SeparatorToken,
            PaddingToken = bertOptions.PaddingToken,
            MaskingToken = bertOptions.MaskingToken,
            // The library counts UTF-16 units; Hugging Face counts code points, which we check ourselves. Twice the
            // limit lets every word that passes our check through (a code point is at most two units).
            MaxInputCharsPerWord = 2 * bertOptions.MaxInputCharsPerWord,
        };

        // The library keeps its id → token map private, so the file is read once here for decoding and then handed over.
        using var buffer = new MemoryStream();
        vocabStream.CopyTo(buffer);
        var idToToken = ReadVocabulary(buffer);
        buffer.Position = 0;
        var wordPiece = MlBertTokenizer.Create(buffer, mlOptions);
        return new BertTokenizer(wordPiece, idToToken, bertOptions, options);
    }

    // Same rule as the library and Hugging Face: the line number is the id; blank lines keep their number.
    private static string[] ReadVocabulary(MemoryStream buffer)
    {
        buffer.Position = 0;
        var tokens = new List<string>();
        using var reader = new StreamReader(buffer, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        while (reader.ReadLine() is { } line)
        {
            tokens.Add(line);
        }

        if (tokens.Count == 0)
        {
            throw new ArgumentException("The BERT vocabulary is empty.", nameof(buffer));
        }

        return [.. tokens];
    }

    /// <inheritdoc />
    public TextTokenizerOptions Options { get; }

    /// <inheritdoc />
    public int VocabularySize { get; }

    /// <inheritdoc />
    public int PaddingTokenId { get; }

    /// <summary>Id of [CLS].</summary>
    public int ClassificationTokenId { get; }

    /// <summary>Id of [SEP].</summary>
    public int SeparatorTokenId { get; }

    /// <summary>Id of [MASK].</summary>
    public int MaskingTokenId { get; }

    /// <summary>Id of [UNK].</summary>
    public int UnknownTokenId { get; }

    /// <summary>WordPiece strings of one text (no special tokens added), e.g. "unaffable" → ["una", "##ffa", "##ble"].</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public IReadOnlyList<string> TokenizeToStrings(string text) =>
        Tokenize(text).Select(id => _idToToken[id]).ToList();

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public IReadOnlyList<int> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TokenizeCore(text);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="texts"/> or one of its entries is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="texts"/> is empty, or a row is too long with truncation off.</exception>
    public TokenizedBatch Encode(IReadOnlyList<string> texts) =>
        BatchEncoder.Encode(texts, null, TokenizeCore, _template, PaddingTokenId, Options);

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException">An argument or one of its entries is null.</exception>
    /// <exception cref="ArgumentException">The lists differ in length or are empty, or MaxLength cannot hold 3 special tokens.</exception>
    public TokenizedBatch Encode(IReadOnlyList<string> texts, IReadOnlyList<string> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        return BatchEncoder.Encode(texts, pairs, TokenizeCore, _template, PaddingTokenId, Options);
    }

    /// <summary>
    /// Hugging Face's <c>decode</c>: tokens joined by spaces, "##" pieces glued on, then <c>clean_up_tokenization_spaces</c>
    /// (" ." → ".", " n't" → "n't", …). Unknown ids throw.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="ids"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An id is not in the vocabulary.</exception>
    public string Decode(IEnumerable<long> ids, bool skipSpecialTokens)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var tokens = new List<string>();
        foreach (var id in ids)
        {
            if (id < 0 || id >= _idToToken.Length || _idToToken[id].Length == 0)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"ids must be vocabulary ids in [0, {VocabularySize}), got {id}.");
            }

            if (!(skipSpecialTokens && _specialIds.Contains((int)id)))
            {
                tokens.Add(_idToToken[id]);
            }
        }

        var text = string.Join(' ', tokens).Replace(" ##", string.Empty, StringComparison.Ordinal).Trim();
        return text.Replace(" .", ".", StringComparison.Ordinal).Replace(" ?", "?", StringComparison.Ordinal)
            .Replace(" !", "!", StringComparison.Ordinal).Replace(" ,", ",", StringComparison.Ordinal)
            .Replace(" ' ", "'", StringComparison.Ordinal).Replace(" n't", "n't", StringComparison.Ordinal)
            .Replace(" 'm", "'m", StringComparison.Ordinal).Replace(" 's", "'s", StringComparison.Ordinal)
            .Replace(" 've", "'ve", StringComparison.Ordinal).Replace(" 're", "'re", StringComparison.Ordinal);
    }

    private List<int> TokenizeCore(string text)
    {
        if (Options.NormalizeTweets)
        {
            text = TweetNormalizer.Normalize(text);
        }

        var words = _basic.Tokenize(text);
        if (words.Count == 0)
        {
            return [];
        }

        var sb = new StringBuilder(text.Length + words.Count);
        foreach (var word in words)
        {
            if (sb.Length > 0)
            {
                sb.Append(' ');
            }

            // Hugging Face's max_input_chars_per_word counts code points.
            var codePoints = word.Length;
            foreach (var c in word)
            {
                if (char.IsLowSurrogate(c))
                {
                    codePoints--;
                }
            }

            sb.Append(codePoints > _bertOptions.MaxInputCharsPerWord ? _bertOptions.UnknownToken : word);
        }

        return [.. _wordPiece.EncodeToIds(sb.ToString(), addSpecialTokens: false, considerPreTokenization: true, considerNormalization: false)];
    }
}
