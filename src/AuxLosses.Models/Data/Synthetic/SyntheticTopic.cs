namespace AuxLosses.Models;

/// <summary>
/// What a synthetic post is about. Every topic has a pleasant and an unpleasant scene, and texts name a topic with
/// words that do not tell which of the two it is ("the weather", never "the rain").
/// </summary>
public enum SyntheticTopic
{
    /// <summary>"the weather", "the sky": a sunny beach or a rainy street.</summary>
    Weather,

    /// <summary>"my phone": a new phone with a bright home screen or a cracked, dark one.</summary>
    Phone,

    /// <summary>"the commute", "the road": an open country road or a traffic jam.</summary>
    Commute,

    /// <summary>"my cake", "my baking": a birthday cake with candles or a smoking burnt cake.</summary>
    Baking,

    /// <summary>"the garden", "my plants": flowers in bloom or wilted stems under a grey sky.</summary>
    Garden,

    /// <summary>"my dog", "this pup": a dog with a ball on the grass or a dog covered in mud in the rain.</summary>
    Dog,
}
