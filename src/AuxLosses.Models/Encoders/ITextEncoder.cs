using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>
/// A text encoder the fusion models and classifiers can wrap (BERT, RoBERTa-family, or your own module).
/// </summary>
public interface ITextEncoder
{
    /// <summary>Width H of the token states and of the pooled vector.</summary>
    long HiddenSize { get; }

    /// <summary>Encodes a tokenized batch.</summary>
    /// <param name="inputIds">Token ids [N, L], int64.</param>
    /// <param name="attentionMask">1 for real tokens, 0 for padding, [N, L] (int64 or bool).</param>
    /// <param name="tokenTypeIds">Segment ids [N, L], int64, or null for all zeros.</param>
    /// <returns>The states; its tensors belong to the caller's dispose scope like any forward output.</returns>
    TextEncoderOutput Encode(Tensor inputIds, Tensor attentionMask, Tensor? tokenTypeIds = null);
}
