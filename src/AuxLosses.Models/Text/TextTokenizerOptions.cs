using System;

namespace AuxLosses.Models;

/// <summary>
/// Batch-encoding options shared by every <see cref="ITextTokenizer"/>. The defaults reproduce Hugging Face's
/// <c>tokenizer(texts, padding=True, truncation=True)</c> for a model with 512 positions, without tweet normalization.
/// </summary>
public sealed class TextTokenizerOptions
{
    /// <summary>Most tokens in a row, special tokens included. Default 512 (BERT/RoBERTa position embeddings); at least 2.</summary>
    public int MaxLength { get; init; } = 512;

    /// <summary>Padding to the longest row (default) or to <see cref="MaxLength"/>. Padding is on the right.</summary>
    public PaddingStrategy Padding { get; init; } = PaddingStrategy.Longest;

    /// <summary>
    /// Cut rows to <see cref="MaxLength"/> keeping the special tokens (default true). A pair is cut "longest_first" as
    /// Hugging Face's fast tokenizers do. When false, a row longer than <see cref="MaxLength"/> throws.
    /// </summary>
    public bool Truncation { get; init; } = true;

    /// <summary>
    /// Apply <see cref="TweetNormalizer.Normalize(string)"/> (@mentions → @USER, URLs → HTTPURL) to every text before
    /// tokenizing, as the paper's code does when normalization is on. Default false.
    /// </summary>
    public bool NormalizeTweets { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (MaxLength < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxLength), MaxLength, $"{nameof(MaxLength)} must be at least 2 (room for the two special tokens), got {MaxLength}.");
        }

        if (!Enum.IsDefined(Padding))
        {
            throw new ArgumentOutOfRangeException(nameof(Padding), Padding, $"{nameof(Padding)} must be Longest or MaxLength, got {Padding}.");
        }
    }
}
