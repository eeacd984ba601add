namespace AuxLosses.Models;

/// <summary>What a reader does with a post whose image file does not exist under the image root.</summary>
public enum MissingImagePolicy
{
    /// <summary>Throw <see cref="System.IO.FileNotFoundException"/> naming the missing file (the default).</summary>
    Fail = 0,

    /// <summary>Drop the post, count it in <see cref="PostDataset.MissingImages"/> and list it in <see cref="PostDataset.SkippedRows"/>.</summary>
    Skip = 1,

    /// <summary>
    /// Keep the post with a null <see cref="SocialMediaPost.ImagePath"/> (for models that accept a missing modality)
    /// and count it in <see cref="PostDataset.MissingImages"/>.
    /// </summary>
    TextOnly = 2,
}
