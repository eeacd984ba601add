using System;
using System.Collections.Generic;
using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>
/// Turns synthetic posts into a <see cref="PostBatch"/>: images scaled to [0, 1] and normalized per channel
/// (<c>(x / 255 − mean) / std</c>, float32 <c>[B, 3, H, W]</c>), texts tokenized and padded (int64 <c>[B, L]</c> ids,
/// mask and token types), labels int64 <c>[B]</c>, <see cref="PostBatch.ImagePresent"/> all true. Thread-safe.
/// </summary>
public sealed class SyntheticPostCollator
{
    private readonly float[] _mean;
    private readonly float[] _std;

    /// <summary>Creates a collator.</summary>
    /// <param name="tokenizer">The tokenizer; null for <see cref="SyntheticPosts.CreateTokenizer"/>'s default.</param>
    /// <param name="mean">Per-channel (R, G, B) mean; null for <see cref="ImagePreprocessorOptions.ImageNetMean"/>.</param>
    /// <param name="std">Per-channel standard deviation; null for <see cref="ImagePreprocessorOptions.ImageNetStd"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A statistic does not have 3 finite values or a std is not positive.</exception>
    public SyntheticPostCollator(ITextTokenizer? tokenizer = null, IReadOnlyList<double>? mean = null, IReadOnlyList<double>? std = null)
    {
        Tokenizer = tokenizer ?? SyntheticPosts.CreateTokenizer();
        Mean = mean ?? ImagePreprocessorOptions.ImageNetMean;
        Std = std ?? ImagePreprocessorOptions.ImageNetStd;
        _mean = Statistics(Mean, nameof(mean), positive: false);
        _std = Statistics(Std, nameof(std), positive: true);
    }

    /// <summary>The tokenizer texts are encoded with.</summary>
    public ITextTokenizer Tokenizer { get; }

    /// <summary>Per-channel mean subtracted after scaling to [0, 1].</summary>
    public IReadOnlyList<double> Mean { get; }

    /// <summary>Per-channel standard deviation divided by after the mean.</summary>
    public IReadOnlyList<double> Std { get; }

    /// <summary>Collates <paramref name="posts"/> in order into a batch on the CPU; the caller disposes it.</summary>
    /// <exception cref="ArgumentException">The list is empty, holds null, or its images differ in size.</exception>
    public PostBatch Collate(IReadOnlyList<SyntheticPost> posts)
    {
        ArgumentNullException.ThrowIfNull(posts);
        if (posts.Count == 0)
        {
            throw new ArgumentException("posts must hold at least one post, got 0.", nameof(posts));
        }

        var size = posts[0]?.ImageSize ?? throw new ArgumentException("posts[0] is null.", nameof(posts));
        var plane = size * size;
        var pixels = new float[posts.Count * 3 * plane];
        var labels = new long[posts.Count];
        var texts = new string[posts.Count];
        var ids = new string[posts.Count];
        for (var n = 0; n < posts.Count; n++)
        {
            var post = posts[n] ?? throw new ArgumentException($"posts[{n}] is null.", nameof(posts));
            if (post.ImageSize != size)
            {
                throw new ArgumentException($"posts[{n}] has a {post.ImageSize}×{post.ImageSize} image but posts[0] has {size}×{size}.", nameof(posts));
            }

            var rgb = post.Pixels.Span;
            var offset = n * 3 * plane;
            for (var c = 0; c < 3; c++)
            {
                float mean = _mean[c], std = _std[c];
                var o = offset + (c * plane);
                for (int i = 0, p = c; i < plane; i++, p += 3)
                {
                    pixels[o + i] = ((rgb[p] / 255f) - mean) / std;
                }
            }

            labels[n] = post.Label;
            texts[n] = post.Text;
            ids[n] = post.Id;
        }

        using var tokens = Tokenizer.Encode(texts);
        // Clones: the batch owns its tensors, the tokenized batch is disposed here.
        return new PostBatch(
            tensor(pixels, [posts.Count, 3, size, size], ScalarType.Float32),
            tokens.InputIds.clone(),
            tokens.AttentionMask.clone(),
            tensor(labels, ScalarType.Int64),
            ones(posts.Count, ScalarType.Bool),
            ids,
            tokens.TokenTypeIds.clone());
    }

    private static float[] Statistics(IReadOnlyList<double> values, string name, bool positive)
    {
        if (values.Count != 3)
        {
            throw new ArgumentOutOfRangeException(name, values.Count, $"{name} must have 3 values (R, G, B), got {values.Count}.");
        }

        var result = new float[3];
        for (var c = 0; c < 3; c++)
        {
            var v = values[c];
            if (!double.IsFinite(v) || (positive && v <= 0))
            {
                throw new ArgumentOutOfRangeException(name, v, $"{name}[{c}] must be finite{(positive ? " and positive" : string.Empty)}, got {v}.");
            }

            result[c] = (float)v;
        }

        return result;
    }
}
