using System;
using System.Collections.Generic;

namespace AuxLosses.Reproduce.Building;

/// <summary>Data or pretrained files are missing: the message lists every file and folder that was looked for (exit code 1).</summary>
internal sealed class MissingInputsException : Exception
{
    public MissingInputsException()
    {
    }

    public MissingInputsException(string message)
        : base(message)
    {
    }

    public MissingInputsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public MissingInputsException(string what, IReadOnlyList<string> lookedFor, string? hint = null)
        : base(Compose(what, lookedFor, hint))
    {
        LookedFor = lookedFor;
    }

    /// <summary>Every path that was tried, in order.</summary>
    public IReadOnlyList<string> LookedFor { get; } = [];

    private static string Compose(string what, IReadOnlyList<string> lookedFor, string? hint) =>
        $"{what}. Looked for:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", lookedFor)}"
        + (hint is null ? "" : Environment.NewLine + hint);
}
