using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using AuxLosses.Models.Internal;
using Microsoft.ML.Tokenizers;

namespace AuxLosses.Models;

/// <summary>
/// RoBERTa-family byte-level BPE tokenizer (roberta-base, jhu-clsp/bernice, any GPT-2-style <c>vocab.json</c> +
/// <c>merges.txt</c>) giving Hugging Face's ids: <c>&lt;s&gt; A &lt;/s&gt;</c> or <c>&lt;s&gt; A &lt;/s&gt;&lt;/s&gt; B &lt;/s&gt;</c>,
/// token types all 0, padding with <c>&lt;pad&gt;</c> (the model's <c>padding_idx</c>).
/// </summary>
/// <remarks>
/// Wraps Microsoft.ML.Tokenizers' <see cref="BpeTokenizer"/> in byte-level mode with GPT-2's pre-tokenization regex.
/// (<see cref="CodeGenTokenizer"/> is not used: it maps runs of spaces to CodeGen's own added-token ids, which are wrong
/// for a RoBERTa vocabulary; <see cref="EnglishRobertaTokenizer"/> needs fairseq's dict.txt remapping.)
/// BERTweet (vinai/bertweet-base) is not byte-level: it ships a fastBPE <c>vocab.txt</c> + <c>bpe.codes</c> whose "@@"
/// continuation marks the library's BPE cannot express; loading such files throws <see cref="NotSupportedException"/>.
/// Use a byte-level export of the vocabulary, or BERTweet with its own tokenizer outside this library.
/// </remarks>
public sealed partial class RobertaTokenizer : ITextTokenizer
{
    private readonly BpeTokenizer _bpe;
    private readonly RobertaTokenizerOptions _robertaOptions;
    private readonly SpecialTokenTemplate _template;
    private readonly HashSet<int> _specialIds;
    private readonly Regex _maskLeftSpace;

    private RobertaTokenizer(BpeTokenizer bpe, IReadOnlyDictionary<string, int> specials, RobertaTokenizerOptions robertaOptions, TextTokenizerOptions options)
    {
        _bpe = bpe;
        _robertaOptions = robertaOptions;
        Options = options;
        VocabularySize = bpe.Vocabulary.Values.Max() + 1;
        BeginningOfSequenceTokenId = specials[robertaOptions.BeginningOfSequenceToken];
        EndOfSequenceTokenId = specials[robertaOptions.EndOfSequenceToken];
        PaddingTokenId = specials[robertaOptions.PaddingToken];
        UnknownTokenId = specials[robertaOptions.UnknownToken];
        MaskingTokenId = specials[robertaOptions.MaskingToken];
        _specialIds = [.. specials.Values];
        _maskLeftSpace = new Regex(@"\s+(?=" + Regex.Escape(robertaOptions.MaskingToken) + ")", RegexOptions.CultureInvariant);
        var eos = EndOfSequenceTokenId;
        _template = new SpecialTokenTemplate([BeginningOfSequenceTokenId], [eos], [eos, eos], [eos], SecondSegmentType: 0);
    }

    /// <summary>Loads a byte-level BPE vocabulary (<c>vocab.json</c>) and its merges (<c>merges.txt</c>).</summary>
    /// <param name="vocabPath">Path of <c>vocab.json</c> (token → id).</param>
    /// <param name="mergesPath">Path of <c>merges.txt</c> (one "a b" merge per line, best first; a "#version" line is skipped).</param>
    /// <param name="options">Batch options; default <see cref="TextTokenizerOptions"/>.</param>
    /// <param name="robertaOptions">Special tokens and prefix space; default <see cref="RobertaTokenizerOptions"/>.</param>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="NotSupportedException">The vocabulary is a fastBPE <c>vocab.txt</c> (BERTweet), not JSON.</exception>
    /// <exception cref="ArgumentException">A special token is missing from the vocabulary.</exception>
    public static RobertaTokenizer FromFiles(string vocabPath, string mergesPath, TextTokenizerOptions? options = null, RobertaTokenizerOptions? robertaOptions = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(vocabPath);
        ArgumentException.ThrowIfNullOrEmpty(mergesPath);
        foreach (var path in new[] { vocabPath, mergesPath })
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"BPE file '{path}' does not exist.", path);
            }
        }

        options ??= new TextTokenizerOptions();
        robertaOptions ??= new RobertaTokenizerOptions();
        options.Validate();
        var first = File.ReadAllText(vocabPath).TrimStart();
        if (!first.StartsWith('{'))
        {
            throw new NotSupportedException(
                $"'{vocabPath}' is not a JSON vocabulary. A 'token count' vocab.txt with bpe.codes is fastBPE (BERTweet), whose " +
                "'@@' continuation marks Microsoft.ML.Tokenizers' BPE cannot express; only byte-level BPE (vocab.json + merges.txt) is supported.");
        }

        var bpeOptions = new BpeOptions(vocabPath, mergesPath) { ByteLevel = true, UnknownToken = robertaOptions.UnknownToken };
        var vocabulary = bpeOptions.Vocabulary.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        var specials = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var token in new[] { robertaOptions.BeginningOfSequenceToken, robertaOptions.PaddingToken, robertaOptions.EndOfSequenceToken, robertaOptions.UnknownToken, robertaOptions.MaskingToken })
        {
            if (!vocabulary.TryGetValue(token, out var id))
            {
                throw new ArgumentException($"Special token '{token}' is not in the vocabulary '{vocabPath}'.", nameof(robertaOptions));
            }

            specials[token] = id;
        }

        bpeOptions.SpecialTokens = specials;
        bpeOptions.PreTokenizer = new RegexPreTokenizer(Gpt2Regex(), specials);
        return new RobertaTokenizer(BpeTokenizer.Create(bpeOptions), specials, robertaOptions, options);
    }

    /// <inheritdoc />
    public TextTokenizerOptions Options { get; }

    /// <inheritdoc />
    public int VocabularySize { get; }

    /// <inheritdoc />
    public int PaddingTokenId { get; }

    /// <summary>Id of &lt;s&gt;.</summary>
    public int BeginningOfSequenceTokenId { get; }

    /// <summary>Id of &lt;/s&gt;.</summary>
    public int EndOfSequenceTokenId { get; }

    /// <summary>Id of &lt;unk&gt;.</summary>
    public int UnknownTokenId { get; }

    /// <summary>Id of &lt;mask&gt;.</summary>
    public int MaskingTokenId { get; }

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
    /// <exception cref="ArgumentException">The lists differ in length or are empty, or MaxLength cannot hold 4 special tokens.</exception>
    public TokenizedBatch Encode(IReadOnlyList<string> texts, IReadOnlyList<string> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        return BatchEncoder.Encode(texts, pairs, TokenizeCore, _template, PaddingTokenId, Options);
    }

    /// <summary>Byte-level decode of <paramref name="ids"/> (no clean-up of spaces before punctuation).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="ids"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside the vocabulary.</exception>
    public string Decode(IEnumerable<long> ids, bool skipSpecialTokens)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var kept = new List<int>();
        foreach (var id in ids)
        {
            if (id < 0 || id >= VocabularySize)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"ids must be vocabulary ids in [0, {VocabularySize}), got {id}.");
            }

            if (!(skipSpecialTokens && _specialIds.Contains((int)id)))
            {
                kept.Add((int)id);
            }
        }

        return _bpe.Decode(kept, considerSpecialTokens: true) ?? string.Empty;
    }

    private List<int> TokenizeCore(string text)
    {
        if (Options.NormalizeTweets)
        {
            text = TweetNormalizer.Normalize(text);
        }

        // Hugging Face's <mask> is an lstrip token: the whitespace before it belongs to it.
        text = _maskLeftSpace.Replace(text, string.Empty);
        if (_robertaOptions.AddPrefixSpace && text.Length > 0 && !char.IsWhiteSpace(text[0]))
        {
            text = " " + text;
        }

        return text.Length == 0 ? [] : [.. _bpe.EncodeToIds(text)];
    }

    // GPT-2's pre-tokenization pattern (contractions, letters, numbers, other symbols, each with one leading space).
    [GeneratedRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Gpt2Regex();
}
