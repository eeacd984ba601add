namespace AuxLosses.Models;

/// <summary>A row a reader did not turn into a post, with where it was and why.</summary>
/// <param name="FilePath">The file the row came from.</param>
/// <param name="LineNumber">The 1-based line on which the row starts.</param>
/// <param name="Reason">Why the row was left out (malformed, missing image, keyword filter).</param>
public sealed record SkippedRow(string FilePath, int LineNumber, string Reason);
