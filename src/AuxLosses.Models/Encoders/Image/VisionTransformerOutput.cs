using System.Collections.Generic;
using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>Everything a <see cref="VisionTransformer"/> computes for a batch (Hugging Face's <c>BaseModelOutputWithPooling</c>).</summary>
/// <param name="LastHiddenState">The final sequence after the last LayerNorm, [N, 1 + T, C]; index 0 is the CLS token.</param>
/// <param name="Pooled">The CLS state after the final LayerNorm, [N, C] (what <see cref="IImageEncoder"/> callers get as <c>Pooled</c>).</param>
/// <param name="Tokens">The patch states after the final LayerNorm without CLS, [N, T, C], patches in row-major order.</param>
/// <param name="PoolerOutput">tanh(W·h_CLS + b), [N, C], when the model has a pooler (<c>pooler.dense</c>); otherwise null.</param>
/// <param name="HiddenStates">
/// When requested: the embedding output followed by every block's output (before the final LayerNorm), L + 1 tensors of
/// [N, 1 + T, C], as Hugging Face's <c>output_hidden_states</c>; otherwise empty.
/// </param>
public sealed record VisionTransformerOutput(
    Tensor LastHiddenState, Tensor Pooled, Tensor Tokens, Tensor? PoolerOutput, IReadOnlyList<Tensor> HiddenStates);
