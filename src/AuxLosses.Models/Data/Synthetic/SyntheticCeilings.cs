namespace AuxLosses.Models;

/// <summary>
/// Theoretical ceilings of a synthetic dataset (<see cref="SyntheticPosts.ComputeCeilings"/>): what an ideal model
/// can reach from nothing, from the text alone, from the image alone and from both. A fair cross-modal benchmark
/// has <see cref="Joint"/> well above both single-modality ceilings.
/// </summary>
/// <param name="Prior">No input: always the most frequent class (1/3 for balanced classes).</param>
/// <param name="TextOnly">From the text alone: its stance and its topic word.</param>
/// <param name="ImageOnly">From the image alone: its topic and mood.</param>
/// <param name="Joint">From text and image together; 1 − <see cref="SyntheticPostsOptions.LabelNoise"/> without ambiguity.</param>
public sealed record SyntheticCeilings(SyntheticCeiling Prior, SyntheticCeiling TextOnly, SyntheticCeiling ImageOnly, SyntheticCeiling Joint);
