using static TorchSharp.torch;

namespace AuxLosses.Models;

/// <summary>What <see cref="JointFusionModel"/> and <see cref="CommonSpaceFusionModel"/> return. Tensors belong to the caller's dispose scope.</summary>
/// <param name="Logits">Class logits [N, C]; every row has one, whichever modalities it has.</param>
/// <param name="Pooled">The pooled common-space vector [N, D].</param>
/// <param name="ImageEmbedding">Image vectors in the common space [N, D], or null when no image was given (rows whose image is absent hold garbage; see <paramref name="ImagePresent"/>).</param>
/// <param name="TextEmbedding">Text vectors in the common space [N, D], or null when no text was given.</param>
/// <param name="ImagePresent">bool [N]: which rows have an image.</param>
/// <param name="TextPresent">bool [N]: which rows have a text.</param>
public sealed record PooledFusionOutput(Tensor Logits, Tensor Pooled, Tensor? ImageEmbedding, Tensor? TextEmbedding, Tensor ImagePresent, Tensor TextPresent);
