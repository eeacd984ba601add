using System;

namespace AuxLosses.Models;

/// <summary>A row of a data file could not be read; names the file and the 1-based line where the row starts.</summary>
public sealed class MalformedRowException : FormatException
{
    /// <summary>Creates the exception for a row of <paramref name="filePath"/> starting at <paramref name="lineNumber"/>.</summary>
    /// <param name="filePath">The file being read.</param>
    /// <param name="lineNumber">The 1-based line on which the malformed row starts.</param>
    /// <param name="reason">What is wrong with the row.</param>
    /// <param name="innerException">The underlying parse error, if any.</param>
    public MalformedRowException(string filePath, int lineNumber, string reason, Exception? innerException = null)
        : base($"{filePath}:{lineNumber}: {reason}", innerException)
    {
        FilePath = filePath;
        LineNumber = lineNumber;
        Reason = reason;
    }

    /// <summary>Creates the exception with a message only (no file or line).</summary>
    public MalformedRowException()
        : this(string.Empty, 0, "malformed row")
    {
    }

    /// <summary>Creates the exception with a message only (no file or line).</summary>
    /// <param name="message">The message.</param>
    public MalformedRowException(string message)
        : this(string.Empty, 0, message)
    {
    }

    /// <summary>Creates the exception with a message and cause (no file or line).</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public MalformedRowException(string message, Exception innerException)
        : this(string.Empty, 0, message, innerException)
    {
    }

    /// <summary>The file being read.</summary>
    public string FilePath { get; }

    /// <summary>The 1-based line on which the malformed row starts (0 where unknown).</summary>
    public int LineNumber { get; }

    /// <summary>What is wrong with the row, without the file and line prefix.</summary>
    public string Reason { get; }
}
