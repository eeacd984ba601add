namespace AuxLosses.Models;

/// <summary>
/// Byte-level BPE options for <see cref="RobertaTokenizer"/>. The defaults reproduce Hugging Face's <c>roberta-base</c>
/// tokenizer (<c>add_prefix_space=False</c>, special tokens &lt;s&gt; &lt;pad&gt; &lt;/s&gt; &lt;unk&gt; &lt;mask&gt;).
/// </summary>
public sealed class RobertaTokenizerOptions
{
    /// <summary>Prepend a space to each text so its first word is encoded like any other ("Ġword"). Default false.</summary>
    public bool AddPrefixSpace { get; init; }

    /// <summary>Beginning-of-sequence token (RoBERTa's [CLS]). Default "&lt;s&gt;".</summary>
    public string BeginningOfSequenceToken { get; init; } = "<s>";

    /// <summary>End-of-sequence token (RoBERTa's [SEP]). Default "&lt;/s&gt;".</summary>
    public string EndOfSequenceToken { get; init; } = "</s>";

    /// <summary>Padding token; its id is the model's <c>padding_idx</c>. Default "&lt;pad&gt;".</summary>
    public string PaddingToken { get; init; } = "<pad>";

    /// <summary>Unknown token. Default "&lt;unk&gt;".</summary>
    public string UnknownToken { get; init; } = "<unk>";

    /// <summary>Mask token; kept whole when it appears in the text. Default "&lt;mask&gt;".</summary>
    public string MaskingToken { get; init; } = "<mask>";
}
