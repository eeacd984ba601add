using System;
using System.IO;

namespace AuxLosses.Models;

/// <summary>
/// An image file or buffer that could not be decoded: empty, truncated, not an image (e.g. a text file named
/// <c>.jpg</c>), an unsupported format, zero-sized or larger than <see cref="ImagePreprocessorOptions.MaxImagePixels"/>.
/// The message names the source; <see cref="FileName"/> carries it for programmatic use.
/// </summary>
/// <remarks>
/// An <see cref="IOException"/> (<see cref="InvalidDataException"/>, the natural base, is sealed), so one
/// <c>catch (IOException)</c> covers both an unreadable image and a missing file (<see cref="FileNotFoundException"/>).
/// </remarks>
public sealed class ImageDecodeException : IOException
{
    /// <summary>Creates the exception with a default message.</summary>
    public ImageDecodeException()
        : base("The image could not be decoded.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public ImageDecodeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
    public ImageDecodeException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for the source <paramref name="fileName"/> (a path or a caller-given name).</summary>
    public ImageDecodeException(string message, string? fileName, Exception? innerException = null)
        : base(message, innerException)
    {
        FileName = fileName;
    }

    /// <summary>The path of the file (or the name the caller gave a stream or buffer); null when none was given.</summary>
    public string? FileName { get; }
}
