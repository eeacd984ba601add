using System.Collections.Generic;
using AuxLosses.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AuxLosses.Models.Tests.Classifiers;

/// <summary>Deterministic tiny text encoder with 13 hidden states (embeddings + 12 "layers") that counts its calls.</summary>
internal sealed class FakeTextEncoder : nn.Module, ITextEncoder
{
    private readonly Embedding embedding;
    private readonly Dropout drop;

    public FakeTextEncoder(long hidden, int seed = 3)
        : base(nameof(FakeTextEncoder))
    {
        torch.manual_seed(seed);
        embedding = nn.Embedding(50, hidden);
        drop = nn.Dropout(0.5);
        HiddenSize = hidden;
        RegisterComponents();
    }

    public long HiddenSize { get; }

    public int Calls { get; private set; }

    public TextEncoderOutput Encode(Tensor inputIds, Tensor attentionMask, Tensor? tokenTypeIds = null)
    {
        Calls++;
        using var scope = NewDisposeScope();
        var h = embedding.call(inputIds);
        var states = new List<Tensor> { h };
        for (var k = 1; k <= 12; k++)
        {
            h = (h * (1.0 + 0.05 * k) + 0.01 * k).tanh();
            states.Add(h);
        }

        var last = drop.call(states[^1]);
        var pooled = last.select(1, 0).tanh();
        foreach (var s in states)
        {
            scope.MoveToOuter(s);
        }

        scope.MoveToOuter(last, pooled);
        return new TextEncoderOutput(last, pooled, states);
    }
}

/// <summary>Tiny CNN-like image encoder: 1×1 conv over a 2×2 pooled image, with BatchNorm so train/eval mode matters.</summary>
internal sealed class FakeImageEncoder : nn.Module, IImageEncoder
{
    private readonly Conv2d conv;
    private readonly AuxLosses.Models.Internal.KeptAliveBatchNorm2d bn;

    public FakeImageEncoder(long channels, int seed = 5)
        : base(nameof(FakeImageEncoder))
    {
        torch.manual_seed(seed);
        conv = nn.Conv2d(3, channels, 1);
        bn = new AuxLosses.Models.Internal.KeptAliveBatchNorm2d(channels);
        OutputSize = channels;
        RegisterComponents();
    }

    public long OutputSize { get; }

    public int Calls { get; private set; }

    public ImageEncoderOutput Encode(Tensor pixels)
    {
        Calls++;
        using var scope = NewDisposeScope();
        var map = bn.call(conv.call(nn.functional.adaptive_avg_pool2d(pixels, [2, 2]))).relu();
        var tokens = map.flatten(2).transpose(1, 2);
        var pooled = map.mean([2L, 3L]);
        scope.MoveToOuter(map, tokens, pooled);
        return new ImageEncoderOutput(pooled, tokens, map);
    }
}
