using System;
using System.Collections.Generic;
using AuxLosses.Internal;
using AuxLosses.Models.Internal;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>
/// SPP-SCL's hierarchical attention (HA) text module (<c>model/Model.py</c>, <c>Attention</c> + <c>FastLSTM</c>):
/// <code>
/// c_k = mean over H of h_k[CLS]                    k over the K chosen layers       → c ∈ R^K
/// α = σ(W_2 ReLU(W_1 c))                           W_1, W_2 ∈ R^{K×K}, bias-free
/// S = Σ_k α_k · h_k[1:−1]                          weighted token states            [N, L−2, H]
/// T = BiLSTM(S) (bias-free, hidden 64 per direction),  t = mean over positions of T   [N, 128]
/// </code>
/// </summary>
public sealed class HierarchicalAttention : nn.Module<IReadOnlyList<Tensor>, Tensor?, Tensor>
{
    private readonly Sequential fc;
    private readonly LSTM lstm;
    private readonly int[] layers;
    private readonly bool maskPadding;

    /// <summary>Creates the module.</summary>
    /// <param name="layers">Indices of the hidden states to combine (the reference: 9, 10, 11, 12).</param>
    /// <param name="hiddenSize">H, the text encoder's width (768).</param>
    /// <param name="lstmHiddenSize">Hidden size per LSTM direction (64).</param>
    /// <param name="maskPadding">Average over real tokens only (see <see cref="SppSclOptions.MaskPadding"/>).</param>
    public HierarchicalAttention(IReadOnlyList<int> layers, long hiddenSize, long lstmHiddenSize, bool maskPadding = false)
        : base(nameof(HierarchicalAttention))
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(layers), "At least one layer index is needed.");
        }

        this.layers = [.. layers];
        foreach (var layer in this.layers)
        {
            if (layer < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(layers), layer, $"Layer indices must be ≥ 0, but one is {layer}.");
            }
        }

        long k = this.layers.Length;
        fc = nn.Sequential(nn.Linear(k, k, hasBias: false), nn.ReLU(), nn.Linear(k, k, hasBias: false), nn.Sigmoid());
        lstm = nn.LSTM(ModelGuard.Positive(hiddenSize, nameof(hiddenSize)), ModelGuard.Positive(lstmHiddenSize, nameof(lstmHiddenSize)), bias: false, bidirectional: true);
        this.maskPadding = maskPadding;
        OutputSize = 2 * lstmHiddenSize;
        RegisterComponents();
    }

    /// <summary>Width of the output, 2 × LSTM hidden size.</summary>
    public long OutputSize { get; }

    /// <summary>Encodes the text from the chosen layers.</summary>
    /// <param name="hiddenStates">All hidden states of the text encoder, each [N, L, H], L ≥ 3.</param>
    /// <param name="attentionMask">The [N, L] mask; used only with maskPadding.</param>
    /// <returns>[N, 2·hidden].</returns>
    /// <exception cref="ArgumentException">Too few hidden states, or bad shapes.</exception>
    public override Tensor forward(IReadOnlyList<Tensor> hiddenStates, Tensor? attentionMask)
    {
        ArgumentNullException.ThrowIfNull(hiddenStates);
        var reference = hiddenStates.Count > 0 ? hiddenStates[0] : null;
        foreach (var layer in layers)
        {
            if (layer >= hiddenStates.Count)
            {
                throw new ArgumentException($"{nameof(hiddenStates)} must hold index {layer} (the HA layers), but it has {hiddenStates.Count} entries.", nameof(hiddenStates));
            }

            ModelGuard.Floating(hiddenStates[layer], $"{nameof(hiddenStates)}[{layer}]", 3);
            if (!hiddenStates[layer].shape.AsSpan().SequenceEqual(reference!.shape))
            {
                throw new ArgumentException($"{nameof(hiddenStates)}[{layer}] must have shape {ModelGuard.Shape(reference)}, but it is {ModelGuard.Shape(hiddenStates[layer])}.", nameof(hiddenStates));
            }
        }

        if (reference!.shape[1] < 3)
        {
            throw new ArgumentException($"The HA module drops the first and last positions, so sequences need L ≥ 3, but L = {reference.shape[1]}.", nameof(hiddenStates));
        }

        using var scope = NewDisposeScope();
        var length = reference.shape[1];
        var cls = stack([.. Array.ConvertAll(layers, k => hiddenStates[k].select(1, 0))], 1);          // [N, K, H]
        var alpha = fc.call(cls.mean([2L]));                                                             // [N, K]
        var tokens = stack([.. Array.ConvertAll(layers, k => hiddenStates[k].narrow(1, 1, length - 2))], 1); // [N, K, L-2, H]
        var weighted = (alpha.unsqueeze(-1).unsqueeze(-1) * tokens).sum(1);                             // [N, L-2, H]
        var (states, _, _) = lstm.call(weighted.transpose(0, 1));                                      // [L-2, N, 2h]
        var perToken = states.transpose(0, 1);                                                         // [N, L-2, 2h]
        Tensor pooled;
        if (maskPadding && attentionMask is not null)
        {
            var mask = attentionMask.narrow(1, 1, length - 2).to(perToken.dtype).unsqueeze(-1);
            pooled = (perToken * mask).sum(1) / mask.sum(1).clamp_min(Scalars.OneF);
        }
        else
        {
            pooled = perToken.mean([1L]);
        }

        return scope.MoveToOuter(pooled);
    }
}
