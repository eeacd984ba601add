using System;

namespace AuxLosses.Models;

/// <summary>
/// A safetensors file (or stream) is malformed: truncated, a header length past the end of the file or above
/// <see cref="SafeTensors.MaxHeaderBytes"/>, a header that is not a JSON object, an unknown dtype, offsets out of
/// range, overlapping or leaving gaps, a byte size that does not equal numel·itemsize, or a duplicate key.
/// The message names the file and the offending tensor or header field.
/// </summary>
public sealed class SafeTensorsFormatException : FormatException
{
    /// <summary>Creates the exception with a message only.</summary>
    public SafeTensorsFormatException()
    {
    }

    /// <summary>Creates the exception with a message only.</summary>
    public SafeTensorsFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that revealed the problem.</summary>
    public SafeTensorsFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception naming the source, the tensor (or header field) and what is wrong.</summary>
    /// <param name="source">The file path, or a description such as "stream".</param>
    /// <param name="tensorName">The tensor key or header field at fault; null when the problem is file-wide.</param>
    /// <param name="problem">What is wrong, with expected and actual values.</param>
    /// <param name="innerException">The error that revealed the problem, if any.</param>
    public SafeTensorsFormatException(string source, string? tensorName, string problem, Exception? innerException = null)
        : base(Compose(source, tensorName, problem), innerException)
    {
        FilePath = source;
        TensorName = tensorName;
        Problem = problem;
    }

    /// <summary>The file path (or a description of the stream) that is malformed.</summary>
    public string? FilePath { get; }

    /// <summary>The tensor key or header field at fault (e.g. <c>"bert.embeddings.word_embeddings.weight"</c>,
    /// <c>"__metadata__"</c>); null when the problem concerns the whole file.</summary>
    public string? TensorName { get; }

    /// <summary>What is wrong, without the file and tensor prefix.</summary>
    public string? Problem { get; }

    private static string Compose(string source, string? tensorName, string problem) =>
        tensorName is null
            ? $"Invalid safetensors file '{source}': {problem}"
            : $"Invalid safetensors file '{source}', tensor '{tensorName}': {problem}";
}
