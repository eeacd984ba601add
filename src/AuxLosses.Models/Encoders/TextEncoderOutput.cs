using System.Collections.Generic;
using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>What a <see cref="ITextEncoder"/> returns.</summary>
/// <param name="LastHiddenState">Token states of the last layer, [N, L, H].</param>
/// <param name="Pooled">The pooled sentence vector [N, H] (BERT: tanh(W·h_CLS + b)); null for encoders without a pooler.</param>
/// <param name="HiddenStates">
/// The embedding output followed by every layer's output, each [N, L, H] (Hugging Face's
/// <c>output_hidden_states</c>: HiddenStates[k] is layer k, HiddenStates[0] the embeddings).
/// </param>
public sealed record TextEncoderOutput(Tensor LastHiddenState, Tensor? Pooled, IReadOnlyList<Tensor> HiddenStates);
