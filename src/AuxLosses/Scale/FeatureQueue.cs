using System;
using System.Collections.Generic;
using AuxLosses.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses;

/// <summary>
/// Cross-batch memory of past (image, text[, label]) embeddings, used as extra candidates by the contrastive losses:
/// MoCo's queue (He et al., 2020, "Momentum Contrast for Unsupervised Visual Representation Learning"), ALBEF's
/// image and text queues (Li et al., 2021) and BLIP's <c>idx_queue</c> (Li et al., 2022), which makes queued
/// entries of the anchor's class positives.
/// </summary>
/// <remarks>
/// <para>
/// The queue never holds a gradient: <see cref="Enqueue"/> copies detached values into preallocated storage
/// ([Capacity, Dim] per modality, plus [Capacity] int64 labels when <see cref="FeatureQueueOptions.StoreLabels"/>)
/// that no dispose scope owns, so it survives the caller's scopes until <see cref="Dispose"/>.
/// </para>
/// <para>
/// Nothing is enqueued automatically. As in ALBEF, compute the loss with the queue as it was before the step, then
/// call <see cref="Enqueue"/> with this batch's features — ideally a momentum encoder's, which is what makes old
/// entries comparable with new ones. The losses L2-normalise queued entries like batch features when their
/// <c>Normalize</c> option is set, so raw or normalised features may be stored.
/// </para>
/// <para>
/// <see cref="Image"/>, <see cref="Text"/> and <see cref="Labels"/> are views of the valid slots in slot order (not
/// age order): with <see cref="FeatureQueuePolicy.Fifo"/>, a full queue's oldest entry sits at
/// <see cref="Position"/>. The losses are invariant to that order.
/// </para>
/// </remarks>
public sealed class FeatureQueue : IDisposable
{
    private readonly Tensor image;
    private readonly Tensor text;
    private readonly Tensor? labels;
    private bool disposed;

    /// <summary>Allocates the storage (zeros) described by <paramref name="options"/> (defaults: <see cref="FeatureQueueOptions"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the message names it).</exception>
    public FeatureQueue(FeatureQueueOptions? options = null)
    {
        Options = options ?? new FeatureQueueOptions();
        Options.Validate();
        Device = Options.Device ?? CPU;
        using var scope = NewDisposeScope();
        image = Detached.Buffer(zeros(new long[] { Options.Capacity, Options.Dim }, dtype: Options.Dtype, device: Device));
        text = Detached.Buffer(zeros(new long[] { Options.Capacity, Options.Dim }, dtype: Options.Dtype, device: Device));
        labels = Options.StoreLabels ? Detached.Buffer(zeros(Options.Capacity, dtype: ScalarType.Int64, device: Device)) : null;
    }

    /// <summary>The options this queue was built with.</summary>
    public FeatureQueueOptions Options { get; }

    /// <summary>Maximum number of entries, K.</summary>
    public int Capacity => Options.Capacity;

    /// <summary>Embedding width D of both modalities.</summary>
    public int Dim => Options.Dim;

    /// <summary>Storage dtype.</summary>
    public ScalarType Dtype => Options.Dtype;

    /// <summary>Storage device.</summary>
    public Device Device { get; }

    /// <summary>Whether labels are stored (<see cref="FeatureQueueOptions.StoreLabels"/>).</summary>
    public bool HasLabels => labels is not null;

    /// <summary>Number of valid entries, min(entries offered since the last reset, Capacity).</summary>
    public int Count { get; private set; }

    /// <summary>Whether <see cref="Count"/> has reached <see cref="Capacity"/>.</summary>
    public bool IsFull => Count == Capacity;

    /// <summary>
    /// The slot the next <see cref="FeatureQueuePolicy.Fifo"/> write starts at (MoCo's <c>queue_ptr</c>); once the
    /// queue is full it holds the oldest entry. For <see cref="FeatureQueuePolicy.Reservoir"/> it is <see cref="Count"/> mod Capacity.
    /// </summary>
    public int Position { get; private set; }

    /// <summary>Number of entries offered to <see cref="Enqueue"/> since construction or the last <see cref="Reset"/>.</summary>
    public long Seen { get; private set; }

    /// <summary>Queued image embeddings, a [Count, Dim] view of the storage (no gradient; slot order).</summary>
    public Tensor Image => Valid(image);

    /// <summary>Queued text embeddings, a [Count, Dim] view of the storage (no gradient; slot order).</summary>
    public Tensor Text => Valid(text);

    /// <summary>Queued labels, a [Count] int64 view (slot order).</summary>
    /// <exception cref="InvalidOperationException">The queue was built without <see cref="FeatureQueueOptions.StoreLabels"/>.</exception>
    public Tensor Labels => labels is null
        ? throw new InvalidOperationException($"This queue stores no labels; create it with {nameof(FeatureQueueOptions)}.{nameof(FeatureQueueOptions.StoreLabels)} = true.")
        : Valid(labels);

    /// <summary>The queued features of one modality (<see cref="Image"/> or <see cref="Text"/>).</summary>
    public Tensor Features(Modality modality) => EnumGuard.Defined(modality, nameof(modality)) == Modality.Image ? Image : Text;

    /// <summary>
    /// Stores a batch of detached (image, text[, label]) entries according to
    /// <see cref="FeatureQueueOptions.EnqueuePolicy"/>. A FIFO batch larger than the capacity keeps its newest
    /// (last) Capacity rows.
    /// </summary>
    /// <param name="image">Image embeddings [n, Dim] in the queue's dtype and on its device, finite.</param>
    /// <param name="text">Text embeddings of the same shape, dtype and device.</param>
    /// <param name="labels">Class ids [n] (integer, ≥ 0) — required exactly when the queue stores labels.</param>
    /// <exception cref="ArgumentException">A shape, dtype or device differs from the queue's, a value is NaN/Inf, or labels are missing/unexpected.</exception>
    public void Enqueue(Tensor image, Tensor text, Tensor? labels = null)
    {
        ThrowIfDisposed();
        TensorGuard.Features(image, nameof(image), 2);
        TensorGuard.Features(text, nameof(text), 2);
        CheckStorageMatch(image, nameof(image));
        CheckStorageMatch(text, nameof(text));
        TensorGuard.SameShape(image, nameof(image), text, nameof(text));
        TensorGuard.Finite(image, nameof(image));
        TensorGuard.Finite(text, nameof(text));
        if (this.labels is null && labels is not null)
        {
            throw new ArgumentException($"{nameof(labels)} were given, but this queue stores no labels (create it with {nameof(FeatureQueueOptions.StoreLabels)} = true).", nameof(labels));
        }

        if (this.labels is not null)
        {
            if (labels is null)
            {
                throw new ArgumentException($"{nameof(labels)} are required: this queue was created with {nameof(FeatureQueueOptions.StoreLabels)} = true.", nameof(labels));
            }

            TensorGuard.Labels(labels, nameof(labels), image.shape[0], image);
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var n = image.shape[0];
        var (slots, rows) = Options.EnqueuePolicy == FeatureQueuePolicy.Fifo ? FifoSlots(n) : ReservoirSlots(n);
        Seen += n;
        if (rows.Length == 0)
        {
            return;
        }

        var slotIndex = tensor(slots, dtype: ScalarType.Int64, device: Device);
        var rowIndex = tensor(rows, dtype: ScalarType.Int64, device: Device);
        this.image.index_copy_(0, slotIndex, image.detach().index_select(0, rowIndex));
        this.text.index_copy_(0, slotIndex, text.detach().index_select(0, rowIndex));
        this.labels?.index_copy_(0, slotIndex, labels!.detach().to(ScalarType.Int64).index_select(0, rowIndex));
    }

    /// <summary>Empties the queue (<see cref="Count"/>, <see cref="Position"/> and <see cref="Seen"/> return to 0) and zeroes the storage.</summary>
    public void Reset()
    {
        ThrowIfDisposed();
        using var noGrad = no_grad();
        image.zero_();
        text.zero_();
        labels?.zero_();
        Count = 0;
        Position = 0;
        Seen = 0;
    }

    /// <summary>Frees the storage.</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        image.Dispose();
        text.Dispose();
        labels?.Dispose();
    }

    /// <summary>Throws <see cref="ObjectDisposedException"/> once the queue has been disposed.</summary>
    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(disposed, this);

    // MoCo: write the batch contiguously from queue_ptr, wrapping; only the newest Capacity rows can survive anyway.
    private (long[] Slots, long[] Rows) FifoSlots(long n)
    {
        var kept = Math.Min(n, Capacity);
        var slots = new long[kept];
        var rows = new long[kept];
        for (var k = 0L; k < kept; k++)
        {
            rows[k] = n - kept + k;
            slots[k] = (Position + k) % Capacity;
        }

        Position = (int)((Position + kept) % Capacity);
        Count = (int)Math.Min(Capacity, Count + kept);
        return (slots, rows);
    }

    // Algorithm R, item by item: entry g (0-based over everything offered) fills slot g while g < K, else replaces a
    // uniform slot j ∈ [0, g] when j < K. A later row that lands on the same slot wins, as in the sequential algorithm.
    private (long[] Slots, long[] Rows) ReservoirSlots(long n)
    {
        using var scope = NewDisposeScope();
        var uniform = rand(new[] { n }, dtype: ScalarType.Float64, generator: Options.Generator).data<double>().ToArray();
        var slotOfRow = new Dictionary<long, long>();
        for (var k = 0L; k < n; k++)
        {
            var g = Seen + k;
            var slot = g < Capacity ? g : (long)Math.Floor(uniform[k] * (g + 1));
            if (slot < Capacity)
            {
                slotOfRow[slot] = k;
            }
        }

        Count = (int)Math.Min(Capacity, Seen + n);
        Position = Count % Capacity;
        var slots = new long[slotOfRow.Count];
        var rows = new long[slotOfRow.Count];
        var i = 0;
        foreach (var (slot, row) in slotOfRow)
        {
            slots[i] = slot;
            rows[i++] = row;
        }

        return (slots, rows);
    }

    private void CheckStorageMatch(Tensor features, string name)
    {
        if (features.shape[1] != Dim)
        {
            throw new ArgumentException($"{name} must have {Dim} features per row (the queue's Dim), but its shape is {TensorGuard.Shape(features)}.", name);
        }

        if (features.dtype != Dtype)
        {
            throw new ArgumentException($"{name} must have the queue's dtype ({Dtype}), but it is {features.dtype}; cast it explicitly.", name);
        }

        if (features.device.type != Device.type || features.device.index != Device.index)
        {
            throw new ArgumentException($"{name} must be on the queue's device ({Device}), but it is on {features.device}.", name);
        }
    }

    private Tensor Valid(Tensor storage)
    {
        ThrowIfDisposed();
        return storage.narrow(0, 0, Count);
    }
}
