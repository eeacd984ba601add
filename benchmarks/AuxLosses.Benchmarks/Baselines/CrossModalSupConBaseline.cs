using static TorchSharp.torch;

namespace AuxLosses.Benchmarks.Baselines;

/// <summary>
/// Plain port of the SupContrast-style inter-modal loss SPP-SCL trains with (TomorrowJW/SPP-SCL loss.py): anchors
/// from one modality, candidates from the other, mask = same label including the paired sample, exp-then-log
/// normaliser on max-shifted logits, mean log-probability over positives.
/// </summary>
internal static class CrossModalSupConBaseline
{
    public static Tensor Loss(Tensor anchors, Tensor candidates, Tensor labels, double temperature = 0.07, double baseTemperature = 0.07)
    {
        var a = nn.functional.normalize(anchors, dim: -1);
        var c = nn.functional.normalize(candidates, dim: -1);
        var column = labels.contiguous().view(-1, 1);
        var mask = column.eq(column.t()).to(ScalarType.Float32);

        var anchorDotContrast = a.matmul(c.t()) / temperature;
        var logits = anchorDotContrast - anchorDotContrast.max(1, keepdim: true).values.detach();
        var logProb = logits - logits.exp().sum(1, keepdim: true).log();
        var meanLogProbPos = (mask * logProb).sum(1) / mask.sum(1);
        return (-(temperature / baseTemperature) * meanLogProbPos).mean();
    }
}
