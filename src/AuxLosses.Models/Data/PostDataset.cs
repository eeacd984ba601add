using System.Collections.Generic;

namespace AuxLosses.Models;

/// <summary>The result of reading one data file: the posts and an account of what was left out.</summary>
public sealed class PostDataset
{
    /// <summary>Creates a result.</summary>
    /// <param name="posts">The posts read, in file order.</param>
    /// <param name="missingImages">Posts whose image was missing (skipped or kept text-only, per the policy).</param>
    /// <param name="keywordFiltered">Rows dropped by the HFM keyword filter (0 for other formats).</param>
    /// <param name="skippedRows">Every row not turned into a post, with file, line and reason.</param>
    public PostDataset(IReadOnlyList<SocialMediaPost> posts, int missingImages, int keywordFiltered, IReadOnlyList<SkippedRow> skippedRows)
    {
        Posts = posts;
        MissingImages = missingImages;
        KeywordFiltered = keywordFiltered;
        SkippedRows = skippedRows;
    }

    /// <summary>The posts read, in file order.</summary>
    public IReadOnlyList<SocialMediaPost> Posts { get; }

    /// <summary>
    /// How many posts had no image file: dropped under <see cref="MissingImagePolicy.Skip"/>, kept with a null
    /// <see cref="SocialMediaPost.ImagePath"/> under <see cref="MissingImagePolicy.TextOnly"/>.
    /// </summary>
    public int MissingImages { get; }

    /// <summary>How many rows the HFM keyword filter dropped (see <see cref="PostReaders.HfmFilterKeywords"/>).</summary>
    public int KeywordFiltered { get; }

    /// <summary>
    /// Rows not turned into posts: malformed rows (only when <see cref="PostReaderOptions.CollectMalformedRows"/> is set),
    /// posts skipped for a missing image, and rows dropped by the keyword filter.
    /// </summary>
    public IReadOnlyList<SkippedRow> SkippedRows { get; }
}
