using System;
using AuxLosses.Internal;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AuxLosses.Models.Internal;

/// <summary>HF <c>ViTSelfAttention</c>: multi-head softmax(Q·Kᵀ/√d)·V over all tokens (no mask: every image has T + 1 tokens).</summary>
internal sealed class VitSelfAttention : nn.Module<Tensor, Tensor>
{
    private readonly Linear query;
    private readonly Linear key;
    private readonly Linear value;
    private readonly long heads;
    private readonly long headSize;
    private readonly double dropout;

    public VitSelfAttention(VitConfig config)
        : base(nameof(VitSelfAttention))
    {
        heads = config.NumAttentionHeads;
        headSize = config.HiddenSize / config.NumAttentionHeads;
        query = nn.Linear(config.HiddenSize, config.HiddenSize, hasBias: config.QkvBias);
        key = nn.Linear(config.HiddenSize, config.HiddenSize, hasBias: config.QkvBias);
        value = nn.Linear(config.HiddenSize, config.HiddenSize, hasBias: config.QkvBias);
        dropout = config.AttentionProbsDropoutProb;
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        var (n, t, c) = (hidden.shape[0], hidden.shape[1], hidden.shape[2]);
        // [N, T, C] -> [N, heads, T, d]
        Tensor Split(Tensor x) => x.view(n, t, heads, headSize).permute(0, 2, 1, 3);
        var q = Split(query.forward(hidden));
        var k = Split(key.forward(hidden));
        var v = Split(value.forward(hidden));
        var scores = matmul(q, k.transpose(-1, -2)).Over(Math.Sqrt(headSize));
        var probs = nn.functional.dropout(scores.softmax(-1), dropout, training);
        var context = matmul(probs, v).permute(0, 2, 1, 3).reshape(n, t, c);
        return scope.MoveToOuter(context);
    }
}
