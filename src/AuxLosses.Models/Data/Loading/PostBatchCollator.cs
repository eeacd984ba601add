using System;
using System.Collections.Generic;
using System.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>
/// Collates <see cref="SocialMediaPost"/>s into a <see cref="PostBatch"/>: texts through an <see cref="ITextTokenizer"/>,
/// images decoded from <see cref="SocialMediaPost.ImagePath"/> by an <see cref="ImagePreprocessor"/>, labels as int64.
/// A post without an image path gets a zero image and <see cref="PostBatch.ImagePresent"/> false; an image file that
/// is missing or unreadable when the batch is collated throws, naming the post and the file — no post is dropped.
/// </summary>
/// <remarks>
/// Thread-safe: <see cref="Collate"/> keeps no state, and <see cref="BertTokenizer"/>, <see cref="RobertaTokenizer"/> and
/// <see cref="ImagePreprocessor"/> are immutable after construction (Microsoft.ML.Tokenizers' BPE cache locks), so one
/// collator serves every worker of a <see cref="DataLoader{TItem, TBatch}"/>. Decoding and resizing are managed/Skia
/// code; the only torch calls are a few tensor creations per batch, run inside the calling thread's own dispose scope.
/// </remarks>
public sealed class PostBatchCollator
{
    /// <summary>Creates a collator.</summary>
    /// <param name="tokenizer">Encodes the texts (its <see cref="ITextTokenizer.Options"/> set padding and truncation).</param>
    /// <param name="images">Decodes and normalizes the images; with no <see cref="ImagePreprocessorOptions.CropSize"/>, the images of a batch must come out the same size.</param>
    /// <param name="options">Collation options; null uses the defaults of <see cref="PostBatchCollatorOptions"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="tokenizer"/> or <paramref name="images"/> is null.</exception>
    public PostBatchCollator(ITextTokenizer tokenizer, ImagePreprocessor images, PostBatchCollatorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(images);
        Tokenizer = tokenizer;
        Images = images;
        Options = options ?? new PostBatchCollatorOptions();
    }

    /// <summary>The tokenizer of the texts.</summary>
    public ITextTokenizer Tokenizer { get; }

    /// <summary>The image preprocessor.</summary>
    public ImagePreprocessor Images { get; }

    /// <summary>The options this collator was created with.</summary>
    public PostBatchCollatorOptions Options { get; }

    /// <summary>Collates <paramref name="posts"/>, in order, into a batch that owns its CPU tensors.</summary>
    /// <param name="posts">The posts of one batch.</param>
    /// <returns>Pixels [B, 3, H, W] f32, InputIds / AttentionMask (/ TokenTypeIds) [B, L] i64, Labels [B] i64, ImagePresent [B] bool, the ids.</returns>
    /// <exception cref="ArgumentException"><paramref name="posts"/> is empty or holds a null post or negative label; a post has no image under <see cref="PostBatchCollatorOptions.RequireImages"/>; images differ in size; the tokenizer rejects a text.</exception>
    /// <exception cref="FileNotFoundException">A post's image file does not exist; the message names the post and the file.</exception>
    /// <exception cref="ImageDecodeException">A post's image file is empty, truncated, corrupt or not an image; names the post and the file.</exception>
    public PostBatch Collate(IReadOnlyList<SocialMediaPost> posts)
    {
        ArgumentNullException.ThrowIfNull(posts);
        if (posts.Count == 0)
        {
            throw new ArgumentException("posts must hold at least one post, got an empty list.", nameof(posts));
        }

        var n = posts.Count;
        var ids = new string[n];
        var texts = new string[n];
        var labels = new long[n];
        var present = new bool[n];
        for (var i = 0; i < n; i++)
        {
            var post = posts[i] ?? throw new ArgumentNullException(nameof(posts), $"posts[{i}] is null.");
            if (post.Label < 0)
            {
                throw new ArgumentException($"post '{post.Id}' (posts[{i}]) has label {post.Label}; labels must be class ids >= 0.", nameof(posts));
            }

            ids[i] = post.Id;
            texts[i] = post.Text;
            labels[i] = post.Label;
            present[i] = post.ImagePath is not null;
        }

        // This thread's scope frees the temporaries; PostBatch detaches the tensors it keeps.
        using var scope = NewDisposeScope();
        var pixels = Pixels(posts);
        using var tokens = Tokenizer.Encode(texts);
        // Aliases share the tokenizer batch's storage, so disposing that batch leaves them valid.
        return new PostBatch(
            pixels,
            tokens.InputIds.alias(),
            tokens.AttentionMask.alias(),
            tensor(labels, dtype: ScalarType.Int64),
            tensor(present),
            ids,
            Options.IncludeTokenTypeIds ? tokens.TokenTypeIds.alias() : null);
    }

    /// <summary>
    /// A loader over <paramref name="posts"/> that collates with this collator and names failing posts by id:
    /// <c>collator.CreateLoader(dataset.Posts, new() { BatchSize = 16, Seed = 42 })</c>.
    /// </summary>
    /// <param name="posts">The posts, e.g. <see cref="PostDataset.Posts"/>.</param>
    /// <param name="options">Batching, shuffling and threading; null uses the defaults of <see cref="DataLoaderOptions"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public DataLoader<SocialMediaPost, PostBatch> CreateLoader(IReadOnlyList<SocialMediaPost> posts, DataLoaderOptions? options = null) =>
        new(posts, Collate, options, post => post.Id);

    private Tensor Pixels(IReadOnlyList<SocialMediaPost> posts)
    {
        var rows = new Tensor?[posts.Count];
        Tensor? first = null;
        var firstIndex = -1;
        for (var i = 0; i < rows.Length; i++)
        {
            var post = posts[i];
            if (post.ImagePath is null)
            {
                if (Options.RequireImages)
                {
                    throw new ArgumentException($"post '{post.Id}' (posts[{i}]) has no image path and RequireImages is set.", nameof(posts));
                }

                continue;
            }

            var image = rows[i] = Load(post);
            if (first is null)
            {
                (first, firstIndex) = (image, i);
            }
            else if (!image.shape.AsSpan().SequenceEqual(first.shape))
            {
                throw new ArgumentException(
                    $"the image of post '{post.Id}' is [{string.Join(", ", image.shape)}] after preprocessing but that of post '{posts[firstIndex].Id}' is [{string.Join(", ", first.shape)}]; set ImagePreprocessorOptions.CropSize to batch images of different sizes.",
                    nameof(posts));
            }
        }

        long[] shape;
        if (first is not null)
        {
            shape = first.shape;
        }
        else if (Images.Options.CropSize is int crop)
        {
            shape = [3, crop, crop];
        }
        else
        {
            throw new ArgumentException("no post of the batch has an image, and without ImagePreprocessorOptions.CropSize the size of the zero images is unknown.", nameof(posts));
        }

        using var blank = zeros(shape, ScalarType.Float32);
        var stacked = new Tensor[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            stacked[i] = rows[i] ?? blank;
        }

        return stack(stacked);
    }

    private Tensor Load(SocialMediaPost post)
    {
        var path = post.ImagePath!;
        try
        {
            return Images.Preprocess(path);
        }
        catch (FileNotFoundException e)
        {
            throw new FileNotFoundException($"The image of post '{post.Id}' was not found: '{path}'.", path, e);
        }
        catch (ImageDecodeException e)
        {
            throw new ImageDecodeException($"The image of post '{post.Id}' could not be decoded: {e.Message}", path, e);
        }
    }
}
