using System;
using AuxLosses.Internal;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AuxLosses.Models.Internal;

/// <summary>HF <c>BertSelfAttention</c> (absolute positions): softmax(Q·Kᵀ/√d + mask)·V per head, dropout on the probabilities.</summary>
internal sealed class BertSelfAttention : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear query;
    private readonly Linear key;
    private readonly Linear value;
    private readonly Dropout dropout;
    private readonly long _heads;
    private readonly long _headSize;

    public BertSelfAttention(BertConfig config, Device? device)
        : base(nameof(BertSelfAttention))
    {
        _heads = config.NumAttentionHeads;
        _headSize = config.HiddenSize / config.NumAttentionHeads;
        query = nn.Linear(config.HiddenSize, config.HiddenSize, device: device);
        key = nn.Linear(config.HiddenSize, config.HiddenSize, device: device);
        value = nn.Linear(config.HiddenSize, config.HiddenSize, device: device);
        dropout = nn.Dropout(config.AttentionProbsDropoutProb);
        RegisterComponents();
    }

    /// <param name="hidden">[N, L, H].</param>
    /// <param name="extendedMask">[N, 1, 1, L] additive mask: 0 for real tokens, the dtype's minimum for padding.</param>
    public override Tensor forward(Tensor hidden, Tensor extendedMask)
    {
        using var scope = NewDisposeScope();
        var q = Heads(query.forward(hidden));
        var k = Heads(key.forward(hidden));
        var v = Heads(value.forward(hidden));
        var scores = matmul(q, k.transpose(-1, -2)).Over(Math.Sqrt(_headSize)).add(extendedMask, Scalars.One);
        var probabilities = dropout.forward(scores.softmax(-1));
        var context = matmul(probabilities, v).permute(0, 2, 1, 3).reshape(hidden.shape);
        return scope.MoveToOuter(context);
    }

    // [N, L, H] → [N, heads, L, H / heads]
    private Tensor Heads(Tensor x) => x.view(x.shape[0], x.shape[1], _heads, _headSize).permute(0, 2, 1, 3);
}
