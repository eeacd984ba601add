namespace AuxLosses.Models;

/// <summary>Progress of one file download reported by <see cref="PretrainedResolver"/>.</summary>
/// <param name="FileName">The repository file being downloaded (e.g. <c>model.safetensors</c>).</param>
/// <param name="BytesReceived">Bytes on disk so far, including any resumed from an earlier interrupted download.</param>
/// <param name="TotalBytes">The full size when the server announced it, otherwise null.</param>
public readonly record struct DownloadProgress(string FileName, long BytesReceived, long? TotalBytes);
