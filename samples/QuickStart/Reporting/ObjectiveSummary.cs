using System.Collections.Generic;

namespace AuxLosses.QuickStart;

/// <summary>One objective's runs, aggregated over seeds (sample standard deviations, n − 1).</summary>
/// <param name="Objective">The objective's label.</param>
/// <param name="Runs">How many seeds.</param>
/// <param name="MacroF1Mean">Mean test macro-F1.</param>
/// <param name="MacroF1Std">Standard deviation of test macro-F1 (0 for one run).</param>
/// <param name="AccuracyMean">Mean test accuracy.</param>
/// <param name="DeltaVsBaselineMean">Mean per-seed difference of test macro-F1 from CE on the same seed, or null without CE runs.</param>
/// <param name="DeltaVsBaselineStd">Standard deviation of that paired difference, or null.</param>
/// <param name="WinsVsBaseline">Seeds on which the objective's test macro-F1 beat CE's, or null without CE runs.</param>
/// <param name="BestEpochMean">Mean best epoch (1-based).</param>
/// <param name="ValidationCurve">Mean validation macro-F1 after each epoch.</param>
/// <param name="ValidationCurveStd">Standard deviation of validation macro-F1 after each epoch.</param>
/// <param name="Iid">Mean IID over seeds.</param>
/// <param name="Ttd">Mean TTD over seeds.</param>
/// <param name="Itd">Mean ITD over seeds.</param>
/// <param name="SecondsMean">Mean wall time of a run.</param>
internal sealed record ObjectiveSummary(
    string Objective,
    int Runs,
    double MacroF1Mean,
    double MacroF1Std,
    double AccuracyMean,
    double? DeltaVsBaselineMean,
    double? DeltaVsBaselineStd,
    int? WinsVsBaseline,
    double BestEpochMean,
    IReadOnlyList<double> ValidationCurve,
    IReadOnlyList<double> ValidationCurveStd,
    double Iid,
    double Ttd,
    double Itd,
    double SecondsMean);
