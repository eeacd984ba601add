namespace AuxLosses.Benchmarks.Reporting;

/// <summary>One measured case: suite (benchmark class), method, baseline flag, parameters, mean and median time.</summary>
internal sealed record ResultRow(string Suite, string Method, bool IsBaseline, int B, int? D, double MeanMs, double MedianMs)
{
    /// <summary>The method that measures the three unavoidable GEMMs.</summary>
    public const string FloorMethod = "GemmFloor";

    public bool IsFloor => Method == FloorMethod;
}
