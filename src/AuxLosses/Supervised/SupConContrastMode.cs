namespace AuxLosses;

/// <summary>Which views act as anchors in <see cref="SupervisedContrastiveLoss"/> (SupContrast's <c>contrast_mode</c>).</summary>
public enum SupConContrastMode
{
    /// <summary>Every view of every sample is an anchor (<c>contrast_mode='all'</c>, the default).</summary>
    All = 0,

    /// <summary>Only the first view of each sample is an anchor; all views remain contrast candidates (<c>contrast_mode='one'</c>).</summary>
    One = 1,
}
