using static TorchSharp.torch;

namespace AuxLosses.Benchmarks.Baselines;

/// <summary>
/// Plain port of SupContrast's <c>SupConLoss</c> (HobbitLong/SupContrast losses.py, contrast_mode "all") for
/// features [B, V, D] and labels [B]: label mask, self-excluding logits_mask built by scatter, exp-then-log
/// normaliser on max-shifted logits, mean log-probability over positives.
/// </summary>
internal static class SupConLossBaseline
{
    public static Tensor Loss(Tensor features, Tensor labels, double temperature = 0.07, double baseTemperature = 0.07)
    {
        features = nn.functional.normalize(features, dim: -1);
        var batch = features.shape[0];
        var contrastCount = features.shape[1];
        var column = labels.contiguous().view(-1, 1);
        var mask = column.eq(column.t()).to(ScalarType.Float32);

        var contrastFeature = cat(features.unbind(1), 0);
        var anchorDotContrast = contrastFeature.matmul(contrastFeature.t()) / temperature;
        var logitsMax = anchorDotContrast.max(1, keepdim: true).values;
        var logits = anchorDotContrast - logitsMax.detach();

        mask = mask.repeat(contrastCount, contrastCount);
        var rows = batch * contrastCount;
        var logitsMask = ones_like(mask).scatter(1, arange(rows, dtype: ScalarType.Int64).view(-1, 1), zeros(rows, 1));
        mask = mask * logitsMask;

        var expLogits = logits.exp() * logitsMask;
        var logProb = logits - expLogits.sum(1, keepdim: true).log();
        var maskPosPairs = mask.sum(1);
        maskPosPairs = where(maskPosPairs.lt(1e-6), ones_like(maskPosPairs), maskPosPairs);
        var meanLogProbPos = (mask * logProb).sum(1) / maskPosPairs;
        var loss = -(temperature / baseTemperature) * meanLogProbPos;
        return loss.view(contrastCount, batch).mean();
    }
}
