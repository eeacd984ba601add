namespace AuxLosses.Models;

/// <summary>
/// The best any classifier can do from one view of a synthetic post, computed exactly from the generator's process:
/// the accuracy of the Bayes-optimal classifier (for each observable value, predict the most probable label) and the
/// macro-F1 of that same classifier.
/// </summary>
/// <param name="Accuracy">Bayes-optimal accuracy in [0, 1].</param>
/// <param name="MacroF1">Unweighted mean over the classes of the F1 of the Bayes-optimal classifier (a class it never predicts scores 0).</param>
public sealed record SyntheticCeiling(double Accuracy, double MacroF1);
