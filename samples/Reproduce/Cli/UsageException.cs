using System;

namespace AuxLosses.Reproduce.Cli;

/// <summary>A command line the CLI cannot run: an unknown flag, a bad value, a missing or conflicting option (exit code 2).</summary>
internal sealed class UsageException : Exception
{
    public UsageException()
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
