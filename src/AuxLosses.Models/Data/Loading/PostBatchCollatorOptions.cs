namespace AuxLosses.Models;

/// <summary>Settings of <see cref="PostBatchCollator"/>. The defaults keep every input a BERT-family classifier reads.</summary>
public sealed class PostBatchCollatorOptions
{
    /// <summary>
    /// Put the tokenizer's segment ids in <see cref="PostBatch.TokenTypeIds"/> (default true). False leaves it null,
    /// e.g. for RoBERTa, whose segment ids are all zero.
    /// </summary>
    public bool IncludeTokenTypeIds { get; init; } = true;

    /// <summary>
    /// Throw when a post has no image (<see cref="SocialMediaPost.ImagePath"/> null) instead of giving it a zero image
    /// and <see cref="PostBatch.ImagePresent"/> false. Default false; set it for models that need both modalities, so a
    /// dataset read without an image root cannot train on blank images unnoticed.
    /// </summary>
    public bool RequireImages { get; init; }
}
