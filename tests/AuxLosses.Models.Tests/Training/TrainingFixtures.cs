using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using AuxLosses.Models.Tests.Classifiers;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Models.Tests.Training;

/// <summary>
/// An in-memory, replayable <see cref="IBatchSource{TBatch}"/> of synthetic posts whose class is visible in both the
/// image (a per-class mean shift) and the text (a per-class first token), so a tiny model can learn it.
/// </summary>
internal sealed class SyntheticPostSource : IBatchSource<PostBatch>, IDisposable
{
    private readonly Tensor pixels;
    private readonly Tensor ids;
    private readonly Tensor labels;
    private readonly Tensor imagePresent;
    private readonly int batchSize;
    private readonly long seed;
    private readonly bool shuffle;

    public SyntheticPostSource(int count, int batchSize, int numClasses = 3, long seed = 7, bool shuffle = true, int[]? labels = null, int missingImages = 0)
    {
        using var scope = NewDisposeScope();
        var g = new Generator((ulong)seed);
        var y = labels ?? Enumerable.Range(0, count).Select(i => i % numClasses).ToArray();
        this.labels = tensor(y.Select(v => (long)v).ToArray()).DetachFromDisposeScope();
        var shift = this.labels.to(ScalarType.Float32).view(-1, 1, 1, 1);
        // Scalars as using locals: a temporary Scalar (x * 0.5, or the implicit alpha of a + b) can be finalized
        // while the native op still reads it.
        using var half = 0.5.ToScalar();
        using var one = 1.ToScalar();
        using var five = 5.ToScalar();
        pixels = randn(count, 3, 8, 8, generator: g).mul(half).add(shift, one).DetachFromDisposeScope();
        var tokens = randint(20, 50, [count, 6], generator: g);
        tokens[TensorIndex.Colon, 1] = this.labels.add(five, one);
        ids = tokens.DetachFromDisposeScope();
        var present = ones(count, dtype: ScalarType.Bool);
        for (var i = 0; i < missingImages; i++)
        {
            present[i] = false;
        }

        imagePresent = present.DetachFromDisposeScope();
        this.batchSize = batchSize;
        this.seed = seed;
        this.shuffle = shuffle;
        Count = count;
    }

    public int Count { get; }

    public int BatchesPerEpoch => (Count + batchSize - 1) / batchSize;

    /// <summary>Number of GetBatches calls (to check the label scan and resume).</summary>
    public int Enumerations { get; private set; }

    public IEnumerable<PostBatch> GetBatches(int epoch, int skipBatches = 0)
    {
        Enumerations++;
        long[] order;
        using (var scope = NewDisposeScope())
        {
            order = shuffle
                ? randperm(Count, generator: new Generator((ulong)(seed * 1000 + epoch))).data<long>().ToArray()
                : Enumerable.Range(0, Count).Select(i => (long)i).ToArray();
        }

        return Enumerate(order, skipBatches);
    }

    private IEnumerable<PostBatch> Enumerate(long[] order, int skipBatches)
    {
        for (var b = skipBatches; b < BatchesPerEpoch; b++)
        {
            var rows = order.Skip(b * batchSize).Take(batchSize).ToArray();
            PostBatch batch;
            using (var scope = NewDisposeScope())
            {
                var index = tensor(rows);
                batch = new PostBatch(pixels.index_select(0, index), ids.index_select(0, index), ones(rows.Length, ids.shape[1], dtype: ScalarType.Int64),
                    labels.index_select(0, index), imagePresent.index_select(0, index), rows.Select(r => "p" + r).ToArray());
            }

            yield return batch;
        }
    }

    public void Dispose()
    {
        pixels.Dispose();
        ids.Dispose();
        labels.Dispose();
        imagePresent.Dispose();
    }
}

/// <summary>Tiny models built from fixed seeds, so two calls give bitwise-identical initial weights.</summary>
internal static class TinyModels
{
    public static LateFusionClassifier LateFusion(int classes = 3, double dropout = 0.1)
    {
        torch.manual_seed(123);
        return new LateFusionClassifier(new FakeTextEncoder(8), new FakeImageEncoder(6), new ConcatFusion(8, 6, 10),
            new LateFusionClassifierOptions { NumClasses = classes, ProjectionSize = 5, Dropout = dropout });
    }

    public static SppSclModel Spp(int classes = 3)
    {
        torch.manual_seed(321);
        return new SppSclModel(new FakeTextEncoder(8), new FakeImageEncoder(16),
            new SppSclOptions { LstmHiddenSize = 4, ImageHeadChannels = 6, SharedSize = 5, NumClasses = classes, Dropout = 0.1 });
    }

    public static PooledFusionOptions Pooled(int classes = 3) => new() { NumClasses = classes, CommonSize = 6, Dropout = 0.1 };

    /// <summary>A state dict copied to CPU tensors the caller disposes.</summary>
    public static Dictionary<string, Tensor> Snapshot(nn.Module module)
    {
        using var scope = NewDisposeScope();
        return module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().cpu().clone().DetachFromDisposeScope());
    }

    public static void DisposeAll(IEnumerable<Tensor> tensors)
    {
        foreach (var t in tensors)
        {
            t.Dispose();
        }
    }
}

/// <summary>A temporary directory deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("auxlosses-trainer-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
