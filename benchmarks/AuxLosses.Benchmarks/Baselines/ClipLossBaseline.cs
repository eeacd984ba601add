using static TorchSharp.torch;

namespace AuxLosses.Benchmarks.Baselines;

/// <summary>
/// Plain port of open_clip's <c>ClipLoss</c> (src/open_clip/loss.py, one device) on features the model has already
/// normalized: both logit matrices are computed, as open_clip does, and each gets a cross-entropy against arange(B).
/// </summary>
internal static class ClipLossBaseline
{
    public static Tensor Loss(Tensor image, Tensor text, Tensor logitScale)
    {
        var imageFeatures = nn.functional.normalize(image, dim: -1);
        var textFeatures = nn.functional.normalize(text, dim: -1);
        var scale = logitScale.exp();
        var logitsPerImage = scale * imageFeatures.matmul(textFeatures.t());
        var logitsPerText = scale * textFeatures.matmul(imageFeatures.t());
        var labels = arange(image.shape[0], dtype: ScalarType.Int64);
        return (nn.functional.cross_entropy(logitsPerImage, labels) + nn.functional.cross_entropy(logitsPerText, labels)) / 2;
    }
}
