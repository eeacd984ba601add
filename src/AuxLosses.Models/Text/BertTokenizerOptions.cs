namespace AuxLosses.Models;

/// <summary>
/// WordPiece options for <see cref="BertTokenizer"/>. The defaults reproduce Hugging Face's <c>bert-base-uncased</c>
/// tokenizer (<c>do_lower_case=True</c>, accents stripped, CJK ideographs split, words over 100 characters → [UNK]).
/// </summary>
public sealed class BertTokenizerOptions
{
    /// <summary>Lowercase before WordPiece (uncased models). Default true; set false for cased vocabularies.</summary>
    public bool LowerCase { get; init; } = true;

    /// <summary>
    /// Decompose (NFD) and drop non-spacing marks ("café" → "cafe"). Default null: follow <see cref="LowerCase"/>, as
    /// Hugging Face's <c>strip_accents=None</c> does.
    /// </summary>
    public bool? StripAccents { get; init; }

    /// <summary>Put spaces around CJK ideographs so each is its own word. Default true.</summary>
    public bool TokenizeChineseChars { get; init; } = true;

    /// <summary>Words with more Unicode code points than this become the unknown token. Default 100.</summary>
    public int MaxInputCharsPerWord { get; init; } = 100;

    /// <summary>Unknown token. Default "[UNK]".</summary>
    public string UnknownToken { get; init; } = "[UNK]";

    /// <summary>Classification token that starts every row. Default "[CLS]".</summary>
    public string ClassificationToken { get; init; } = "[CLS]";

    /// <summary>Separator token that ends each segment. Default "[SEP]".</summary>
    public string SeparatorToken { get; init; } = "[SEP]";

    /// <summary>Padding token. Default "[PAD]".</summary>
    public string PaddingToken { get; init; } = "[PAD]";

    /// <summary>Mask token. Default "[MASK]".</summary>
    public string MaskingToken { get; init; } = "[MASK]";
}
