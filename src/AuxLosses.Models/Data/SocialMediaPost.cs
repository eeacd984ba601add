namespace AuxLosses.Models;

/// <summary>One image+text post as read from a data file.</summary>
/// <param name="Id">The post id exactly as written in the file (tweet ids stay strings: they exceed 2^53).</param>
/// <param name="Text">The post text, unmodified.</param>
/// <param name="Label">The class id (after <see cref="PostReaderOptions.LabelMap"/> where one is given).</param>
/// <param name="ImagePath">
/// The full path of the post's image; null where no image root was given or the image is missing and
/// <see cref="MissingImagePolicy.TextOnly"/> kept the post as a text-only post.
/// </param>
/// <param name="Split">The split name (<c>train</c>, <c>val</c>, <c>test</c>, ...) from the file or the caller; null where unknown.</param>
public sealed record SocialMediaPost(string Id, string Text, int Label, string? ImagePath = null, string? Split = null);
