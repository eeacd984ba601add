namespace AuxLosses;

/// <summary>Which modality supplies the anchors of <see cref="CommonSpaceLoss"/>'s ranking terms.</summary>
public enum RankingDirection
{
    /// <summary>Both: images ranked against texts and texts against images (Kiros et al., 2014; default).</summary>
    Both = 0,

    /// <summary>Image anchors: each image must score its own text above other posts' texts by the margin.</summary>
    ImageToText = 1,

    /// <summary>Text anchors: each text must score its own image above other posts' images by the margin.</summary>
    TextToImage = 2,
}
