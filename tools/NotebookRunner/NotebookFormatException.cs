using System;

namespace AuxLosses.NotebookRunner;

/// <summary>The notebook cannot be run as written (format, kernel, directive or package problem); the message names the cell.</summary>
internal sealed class NotebookFormatException : Exception
{
    public NotebookFormatException(string message)
        : base(message)
    {
    }

    public NotebookFormatException()
    {
    }

    public NotebookFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
