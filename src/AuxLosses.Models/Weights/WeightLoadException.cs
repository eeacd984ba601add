using System;

namespace AuxLosses.Models;

/// <summary>
/// Strict loading found missing, unexpected or mismatched keys; the module was left unchanged.
/// <see cref="Report"/> lists every problem and the message repeats them.
/// </summary>
public sealed class WeightLoadException : InvalidOperationException
{
    /// <summary>Creates the exception with a message only.</summary>
    public WeightLoadException()
    {
    }

    /// <summary>Creates the exception with a message only.</summary>
    public WeightLoadException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public WeightLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception from a report with problems.</summary>
    public WeightLoadException(WeightLoadReport report)
        : base($"Strict weight loading failed; the module was not modified.{Environment.NewLine}{report?.Describe()}")
    {
        Report = report;
    }

    /// <summary>What would have been loaded, and every problem.</summary>
    public WeightLoadReport? Report { get; }
}
