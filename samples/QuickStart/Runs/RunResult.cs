using System.Collections.Generic;

namespace AuxLosses.QuickStart;

/// <summary>What one (objective, seed) run reports; a child process writes it as JSON.</summary>
/// <param name="Objective">The objective's label ("CE+ITC", ...).</param>
/// <param name="Seed">The seed of the data, the initial weights and the shuffling.</param>
/// <param name="ValidationMacroF1">Validation macro-F1 after each epoch.</param>
/// <param name="TrainLoss">Mean training loss of each epoch (the objective's total).</param>
/// <param name="BestEpoch">0-based epoch with the best validation macro-F1, whose weights are tested.</param>
/// <param name="TestMacroF1">Test macro-F1 of the best epoch's weights.</param>
/// <param name="TestAccuracy">Test accuracy of the best epoch's weights.</param>
/// <param name="Iid">Mean same-label image-image distance of the test posts' L2-normalised projections.</param>
/// <param name="Ttd">Mean same-label text-text distance, likewise.</param>
/// <param name="Itd">Mean same-label image-text distance, likewise.</param>
/// <param name="Seconds">Wall time of the run (data generation included).</param>
internal sealed record RunResult(
    string Objective,
    int Seed,
    IReadOnlyList<double> ValidationMacroF1,
    IReadOnlyList<double> TrainLoss,
    int BestEpoch,
    double TestMacroF1,
    double TestAccuracy,
    double Iid,
    double Ttd,
    double Itd,
    double Seconds);
