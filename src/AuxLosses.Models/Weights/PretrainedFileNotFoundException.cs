using System;
using System.Collections.Generic;
using System.IO;

namespace AuxLosses.Models;

/// <summary>
/// A pretrained file could be found neither locally, nor in the Hugging Face cache, nor (when online) on the hub.
/// <see cref="SearchedLocations"/> lists every path and URL that was tried, and the message repeats them.
/// </summary>
public sealed class PretrainedFileNotFoundException : FileNotFoundException
{
    /// <summary>Creates the exception with a message only.</summary>
    public PretrainedFileNotFoundException()
    {
    }

    /// <summary>Creates the exception with a message only.</summary>
    public PretrainedFileNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public PretrainedFileNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception listing what was searched.</summary>
    /// <param name="what">The repository (or folder) and file that were wanted.</param>
    /// <param name="searched">Every local path and URL tried, in order.</param>
    /// <param name="reason">Why the search stopped (e.g. offline mode, HTTP 404).</param>
    /// <param name="innerException">The error that ended the search, if any.</param>
    public PretrainedFileNotFoundException(string what, IReadOnlyList<string> searched, string reason, Exception? innerException = null)
        : base(Compose(what, searched, reason), innerException)
    {
        SearchedLocations = searched;
    }

    /// <summary>Every local path and URL that was tried, in order.</summary>
    public IReadOnlyList<string> SearchedLocations { get; } = [];

    private static string Compose(string what, IReadOnlyList<string> searched, string reason) =>
        $"Could not find {what} ({reason}). Looked in:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", searched ?? []);
}
