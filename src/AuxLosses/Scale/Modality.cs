namespace AuxLosses;

/// <summary>Which half of a <see cref="FeatureQueue"/> a single-modality loss reads.</summary>
public enum Modality
{
    /// <summary>The queued image embeddings (<see cref="FeatureQueue.Image"/>).</summary>
    Image = 0,

    /// <summary>The queued text embeddings (<see cref="FeatureQueue.Text"/>).</summary>
    Text = 1,
}
