using System.Collections.Generic;
using AuxLosses.Models;

namespace AuxLosses.Reproduce.Building;

/// <summary>The posts of one run, split as the repo splits them.</summary>
internal sealed record RunData(
    IReadOnlyList<SocialMediaPost> Train,
    IReadOnlyList<SocialMediaPost> Validation,
    IReadOnlyList<SocialMediaPost> Test,
    int MissingImages,
    string Source);
