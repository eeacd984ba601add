using System;
using AuxLosses.Internal;
using AuxLosses.Models.Internal;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AuxLosses.Models.Internal;

/// <summary>Shared body of the pooling-fusion models: project each present modality, pool over modalities, classify.</summary>
internal sealed class PooledFusionCore : nn.Module
{
    private readonly object text_encoder;
    private readonly object image_encoder;
    private readonly Linear text_projection;
    private readonly Linear image_projection;
    private readonly Dropout dropout;
    private readonly Linear linear_cls;
    private readonly ITextEncoder text;
    private readonly IImageEncoder image;
    private readonly ModalityPooling pooling;
    private readonly bool usePooler;
    private readonly bool frozen;

    public PooledFusionCore(ITextEncoder textEncoder, IImageEncoder imageEncoder, PooledFusionOptions? options)
        : base(nameof(PooledFusionCore))
    {
        ArgumentNullException.ThrowIfNull(textEncoder);
        ArgumentNullException.ThrowIfNull(imageEncoder);
        options ??= new PooledFusionOptions();
        var classes = ModelGuard.Positive(options.NumClasses, nameof(options.NumClasses));
        var size = ModelGuard.Positive(options.CommonSize, nameof(options.CommonSize));
        var p = ModelGuard.Probability(options.Dropout, nameof(options.Dropout));
        ModelGuard.Positive(Enum.IsDefined(options.Pooling) ? 1 : 0, nameof(options.Pooling));

        text = textEncoder;
        image = imageEncoder;
        text_encoder = textEncoder;
        image_encoder = imageEncoder;
        pooling = options.Pooling;
        usePooler = options.UseTextPooler;
        frozen = options.FreezeEncoders;
        text_projection = nn.Linear(textEncoder.HiddenSize, size);
        image_projection = nn.Linear(imageEncoder.OutputSize, size);
        dropout = nn.Dropout(p);
        linear_cls = nn.Linear(size, classes);
        if (frozen)
        {
            EncoderRunner.Freeze(textEncoder);
            EncoderRunner.Freeze(imageEncoder);
        }

        RegisterComponents();
    }

    public PooledFusionOutput Run(Tensor? pixels, Tensor? inputIds, Tensor? attentionMask, Tensor? imagePresent, Tensor? textPresent)
    {
        if (pixels is null && inputIds is null)
        {
            throw new ArgumentException($"At least one modality is needed, but both {nameof(pixels)} and {nameof(inputIds)} are null.", nameof(pixels));
        }

        if (pixels is not null)
        {
            ModelGuard.Pixels(pixels, nameof(pixels));
        }

        if (inputIds is not null)
        {
            ModelGuard.TokenIds(inputIds, nameof(inputIds));
            ModelGuard.Mask(attentionMask, nameof(attentionMask), inputIds, nameof(inputIds));
        }

        var rows = pixels?.shape[0] ?? inputIds!.shape[0];
        var device = (pixels ?? inputIds)!.device;
        if (pixels is not null && inputIds is not null)
        {
            ModelGuard.Rows(inputIds, nameof(inputIds), rows, nameof(pixels));
        }

        using var scope = NewDisposeScope();
        var hasImage = Presence(imagePresent, nameof(imagePresent), pixels is not null, rows, device);
        var hasText = Presence(textPresent, nameof(textPresent), inputIds is not null, rows, device);
        if (hasImage.logical_or(hasText).logical_not().any().item<bool>())
        {
            throw new ArgumentException($"Every post needs a text or an image, but some rows have neither ({nameof(imagePresent)}/{nameof(textPresent)}).", nameof(imagePresent));
        }

        Tensor? imageEmbedding = null, textEmbedding = null;
        if (pixels is not null)
        {
            imageEmbedding = image_projection.call(EncoderRunner.Image(image, pixels, frozen).Pooled);
        }

        if (inputIds is not null)
        {
            var encoded = EncoderRunner.Text(text, inputIds, attentionMask!, null, frozen);
            textEmbedding = text_projection.call(EncoderRunner.TextVector(encoded, usePooler));
        }

        var pooled = Pool(imageEmbedding, hasImage, textEmbedding, hasText);
        var logits = linear_cls.call(dropout.call(pooled));
        scope.MoveToOuter(logits, pooled, hasImage, hasText);
        if (imageEmbedding is not null)
        {
            scope.MoveToOuter(imageEmbedding);
        }

        if (textEmbedding is not null)
        {
            scope.MoveToOuter(textEmbedding);
        }

        return new PooledFusionOutput(logits, pooled, imageEmbedding, textEmbedding, hasImage, hasText);
    }

    // Absent modalities are excluded from the pool: −∞ for max, weight 0 for mean. A post with one modality pools
    // over that one alone, so it gets a prediction from the same classifier.
    private Tensor Pool(Tensor? image, Tensor hasImage, Tensor? text, Tensor hasText)
    {
        var present = new System.Collections.Generic.List<(Tensor Vector, Tensor Mask)>();
        if (image is not null)
        {
            present.Add((image, hasImage));
        }

        if (text is not null)
        {
            present.Add((text, hasText));
        }

        var vectors = stack([.. present.ConvertAll(entry => entry.Vector)], 1);                           // [N, M, D]
        var masks = stack([.. present.ConvertAll(entry => entry.Mask)], 1).unsqueeze(-1);                  // [N, M, 1]
        if (pooling == ModalityPooling.Max)
        {
            var lowest = full(1, Scalars.NegativeInfinity, dtype: vectors.dtype, device: vectors.device);
            return where(masks, vectors, lowest).amax([1L]);
        }

        var weights = masks.to(vectors.dtype);
        return (vectors * weights).sum(1) / weights.sum(1);
    }

    private static Tensor Presence(Tensor? given, string name, bool supplied, long rows, Device device)
    {
        if (given is null)
        {
            using var fill = supplied.ToScalar();
            return full(rows, fill, dtype: ScalarType.Bool, device: device);
        }

        if (given.dtype != ScalarType.Bool || given.dim() != 1 || given.shape[0] != rows)
        {
            throw new ArgumentException($"{name} must be bool [{rows}], but it is {given.dtype} {ModelGuard.Shape(given)}.", name);
        }

        if (!supplied && given.any().item<bool>())
        {
            throw new ArgumentException($"{name} marks rows as present, but that modality's input is null.", name);
        }

        return given.to(device);
    }
}
