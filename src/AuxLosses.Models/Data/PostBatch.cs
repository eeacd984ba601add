using System;
using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>
/// One collated batch of image+text posts, ready for a classifier: every tensor is owned by the batch (no
/// caller dispose scope frees it) and disposed with it.
/// </summary>
public sealed class PostBatch : IDisposable
{
    private bool _disposed;

    /// <summary>Creates a batch and takes ownership of its tensors.</summary>
    /// <param name="pixels">[B, 3, H, W] float32 normalized images; rows without an image are zeros.</param>
    /// <param name="inputIds">[B, L] int64 token ids.</param>
    /// <param name="attentionMask">[B, L] int64, 1 for real tokens.</param>
    /// <param name="labels">[B] int64 class ids.</param>
    /// <param name="imagePresent">[B] bool, false for posts kept without an image.</param>
    /// <param name="ids">The post ids, in row order.</param>
    /// <param name="tokenTypeIds">[B, L] int64 segment ids, or null.</param>
    /// <exception cref="ArgumentException">A tensor has the wrong rank, dtype or batch size.</exception>
    public PostBatch(Tensor pixels, Tensor inputIds, Tensor attentionMask, Tensor labels, Tensor imagePresent,
        IReadOnlyList<string> ids, Tensor? tokenTypeIds = null)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(inputIds);
        ArgumentNullException.ThrowIfNull(attentionMask);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(imagePresent);
        ArgumentNullException.ThrowIfNull(ids);
        long batch = labels.ndim == 1 ? labels.shape[0] : -1;
        Check(labels, nameof(labels), 1, ScalarType.Int64, batch);
        Check(pixels, nameof(pixels), 4, ScalarType.Float32, batch);
        Check(inputIds, nameof(inputIds), 2, ScalarType.Int64, batch);
        Check(attentionMask, nameof(attentionMask), 2, ScalarType.Int64, batch);
        Check(imagePresent, nameof(imagePresent), 1, ScalarType.Bool, batch);
        if (!attentionMask.shape.AsSpan().SequenceEqual(inputIds.shape))
        {
            throw new ArgumentException($"attentionMask must have the shape of inputIds [{string.Join(", ", inputIds.shape)}], but has [{string.Join(", ", attentionMask.shape)}].", nameof(attentionMask));
        }

        if (tokenTypeIds is not null)
        {
            Check(tokenTypeIds, nameof(tokenTypeIds), 2, ScalarType.Int64, batch);
            if (!tokenTypeIds.shape.AsSpan().SequenceEqual(inputIds.shape))
            {
                throw new ArgumentException($"tokenTypeIds must have the shape of inputIds [{string.Join(", ", inputIds.shape)}], but has [{string.Join(", ", tokenTypeIds.shape)}].", nameof(tokenTypeIds));
            }
        }

        if (ids.Count != batch)
        {
            throw new ArgumentException($"ids must have one entry per row ({batch}), but has {ids.Count}.", nameof(ids));
        }

        Pixels = pixels.DetachFromDisposeScope();
        InputIds = inputIds.DetachFromDisposeScope();
        AttentionMask = attentionMask.DetachFromDisposeScope();
        Labels = labels.DetachFromDisposeScope();
        ImagePresent = imagePresent.DetachFromDisposeScope();
        TokenTypeIds = tokenTypeIds?.DetachFromDisposeScope();
        Ids = ids;
    }

    /// <summary>[B, 3, H, W] float32 normalized images; rows without an image are zeros.</summary>
    public Tensor Pixels { get; }

    /// <summary>[B, L] int64 token ids.</summary>
    public Tensor InputIds { get; }

    /// <summary>[B, L] int64 attention mask, 1 for real tokens.</summary>
    public Tensor AttentionMask { get; }

    /// <summary>[B, L] int64 segment ids, or null when the tokenizer gives none.</summary>
    public Tensor? TokenTypeIds { get; }

    /// <summary>[B] int64 class ids.</summary>
    public Tensor Labels { get; }

    /// <summary>[B] bool: false for posts kept without an image (<see cref="MissingImagePolicy.TextOnly"/>).</summary>
    public Tensor ImagePresent { get; }

    /// <summary>The post ids, in row order.</summary>
    public IReadOnlyList<string> Ids { get; }

    /// <summary>Number of posts B.</summary>
    public int Count => Ids.Count;

    /// <summary>A copy of this batch on <paramref name="device"/> (this batch is left as it is).</summary>
    public PostBatch To(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new PostBatch(Pixels.to(device), InputIds.to(device), AttentionMask.to(device), Labels.to(device),
            ImagePresent.to(device), Ids, TokenTypeIds?.to(device));
    }

    /// <summary>Disposes every tensor of the batch.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Pixels.Dispose();
        InputIds.Dispose();
        AttentionMask.Dispose();
        Labels.Dispose();
        ImagePresent.Dispose();
        TokenTypeIds?.Dispose();
    }

    private static void Check(Tensor tensor, string name, int rank, ScalarType dtype, long batch)
    {
        if (tensor.ndim != rank)
        {
            throw new ArgumentException($"{name} must have rank {rank}, but has shape [{string.Join(", ", tensor.shape)}].", name);
        }

        if (tensor.dtype != dtype)
        {
            throw new ArgumentException($"{name} must be {dtype}, but is {tensor.dtype}.", name);
        }

        if (tensor.shape[0] != batch)
        {
            throw new ArgumentException($"{name} must have {batch} rows (the number of labels), but has {tensor.shape[0]}.", name);
        }
    }
}
