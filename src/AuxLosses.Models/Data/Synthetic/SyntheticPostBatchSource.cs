using System;
using System.Collections.Generic;
using AuxLosses.Models.Internal;

namespace AuxLosses.Models;

/// <summary>
/// Batches of synthetic posts, one pass per epoch, collated by a <see cref="SyntheticPostCollator"/>. With shuffling,
/// the order of an epoch is a permutation that depends only on (seed, epoch), so epochs replay and resume exactly.
/// </summary>
public sealed class SyntheticPostBatchSource : IBatchSource<PostBatch>
{
    private readonly IReadOnlyList<SyntheticPost> _posts;
    private readonly SyntheticPostCollator _collator;
    private readonly bool _shuffle;
    private readonly int _seed;

    /// <summary>Creates a batch source.</summary>
    /// <param name="posts">The posts, e.g. <see cref="SyntheticPostsDataset.Train"/>.</param>
    /// <param name="collator">Turns a list of posts into a batch.</param>
    /// <param name="batchSize">Posts per batch (the last one may be smaller unless <paramref name="dropLast"/>).</param>
    /// <param name="shuffle">Visit the posts in a new seeded order every epoch (training) or in list order (evaluation).</param>
    /// <param name="seed">Seed of the epoch permutations.</param>
    /// <param name="dropLast">Skip a last, smaller batch (keeps batch statistics and contrastive batches full).</param>
    /// <exception cref="ArgumentException"><paramref name="posts"/> is empty, or <paramref name="dropLast"/> leaves no batch.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is not positive.</exception>
    public SyntheticPostBatchSource(IReadOnlyList<SyntheticPost> posts, SyntheticPostCollator collator, int batchSize, bool shuffle = false, int seed = 0, bool dropLast = false)
    {
        ArgumentNullException.ThrowIfNull(posts);
        ArgumentNullException.ThrowIfNull(collator);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (posts.Count == 0)
        {
            throw new ArgumentException("posts must hold at least one post, got 0.", nameof(posts));
        }

        BatchesPerEpoch = dropLast ? posts.Count / batchSize : (posts.Count + batchSize - 1) / batchSize;
        if (BatchesPerEpoch == 0)
        {
            throw new ArgumentException($"dropLast with {posts.Count} posts and batchSize {batchSize} leaves no batch.", nameof(dropLast));
        }

        _posts = posts;
        _collator = collator;
        _shuffle = shuffle;
        _seed = seed;
        BatchSize = batchSize;
    }

    /// <summary>Posts per full batch.</summary>
    public int BatchSize { get; }

    /// <inheritdoc />
    public int BatchesPerEpoch { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epoch"/> or <paramref name="skipBatches"/> is negative.</exception>
    public IEnumerable<PostBatch> GetBatches(int epoch, int skipBatches = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ArgumentOutOfRangeException.ThrowIfNegative(skipBatches);
        return Batches(Order(epoch), skipBatches);
    }

    private IEnumerable<PostBatch> Batches(int[] order, int skipBatches)
    {
        for (var b = skipBatches; b < BatchesPerEpoch; b++)
        {
            var start = b * BatchSize;
            var count = Math.Min(BatchSize, order.Length - start);
            var posts = new SyntheticPost[count];
            for (var i = 0; i < count; i++)
            {
                posts[i] = _posts[order[start + i]];
            }

            yield return _collator.Collate(posts);
        }
    }

    private int[] Order(int epoch)
    {
        var order = new int[_posts.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        if (_shuffle)
        {
            var random = new Random(SeedMixer.Derive(_seed, epoch, -2, 3));
            for (var i = order.Length - 1; i > 0; i--)
            {
                var j = random.Next(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
        }

        return order;
    }
}
