namespace AuxLosses.Models;

/// <summary>How a batch is padded to a common length (Hugging Face's <c>padding=</c> argument).</summary>
public enum PaddingStrategy
{
    /// <summary>Pad every row to the longest row of the batch (<c>padding="longest"</c>).</summary>
    Longest,

    /// <summary>Pad every row to <see cref="TextTokenizerOptions.MaxLength"/> (<c>padding="max_length"</c>).</summary>
    MaxLength,
}
