namespace AuxLosses.Models;

/// <summary>The surface polarity of a synthetic post's text, before the picture is taken into account.</summary>
public enum SyntheticStance
{
    /// <summary>
    /// No polarity of its own: a caption or an open reaction ("the sky today", "can't believe my phone"). Its
    /// sentiment is the picture's mood when the picture shows the topic, and neutral otherwise.
    /// </summary>
    Caption,

    /// <summary>
    /// Praise ("loving the weather right now"): sincere when the picture shows a pleasant scene of the topic, sarcasm
    /// when it shows an unpleasant one, and taken at its word when the picture shows something else.
    /// </summary>
    Praise,

    /// <summary>
    /// Complaint ("ugh, my phone again"): sincere over an unpleasant scene of the topic, a joking humblebrag over a
    /// pleasant one, and taken at its word when the picture shows something else.
    /// </summary>
    Complaint,
}
