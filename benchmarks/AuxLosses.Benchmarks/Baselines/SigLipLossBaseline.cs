using static TorchSharp.torch;

namespace AuxLosses.Benchmarks.Baselines;

/// <summary>
/// Plain port of open_clip's <c>SigLipLoss</c> (one device): logits = s·I·Tᵀ + b, labels = 2·eye − 1,
/// loss = −Σ logsigmoid(labels ⊙ logits) / B.
/// </summary>
internal static class SigLipLossBaseline
{
    public static Tensor Loss(Tensor image, Tensor text, Tensor logitScale, Tensor logitBias)
    {
        var imageFeatures = nn.functional.normalize(image, dim: -1);
        var textFeatures = nn.functional.normalize(text, dim: -1);
        var logits = logitScale.exp() * imageFeatures.matmul(textFeatures.t()) + logitBias;
        var batch = image.shape[0];
        var labels = 2 * eye(batch) - ones(batch, batch);
        return -nn.functional.logsigmoid(labels * logits).sum() / batch;
    }
}
