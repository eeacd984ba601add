using System.Collections.Generic;

namespace AuxLosses.Models;

/// <summary>A subword tokenizer that turns a batch of texts (or text pairs) into padded model inputs.</summary>
public interface ITextTokenizer
{
    /// <summary>The batch-encoding options (max length, padding, truncation, tweet normalization).</summary>
    TextTokenizerOptions Options { get; }

    /// <summary>Id of the padding token (the embedding's <c>padding_idx</c>).</summary>
    int PaddingTokenId { get; }

    /// <summary>Number of ids the vocabulary defines (largest id + 1).</summary>
    int VocabularySize { get; }

    /// <summary>Token ids of one text without special tokens, truncation or padding.</summary>
    IReadOnlyList<int> Tokenize(string text);

    /// <summary>Encodes a batch of single texts: special tokens, truncation, padding, attention mask.</summary>
    TokenizedBatch Encode(IReadOnlyList<string> texts);

    /// <summary>Encodes a batch of text pairs (second segment after a separator; BERT gives it token type 1).</summary>
    TokenizedBatch Encode(IReadOnlyList<string> texts, IReadOnlyList<string> pairs);

    /// <summary>Turns ids back into text, skipping special and padding tokens when <paramref name="skipSpecialTokens"/>.</summary>
    string Decode(IEnumerable<long> ids, bool skipSpecialTokens);
}
