using System.Collections.Generic;
using static TorchSharp.torch;

namespace AuxLosses.Benchmarks.Baselines;

/// <summary>
/// Plain port of ALBEF's hard-negative mining (salesforce/ALBEF models/model_pretrain.py): softmax weights with the
/// diagonal zeroed, then one <c>torch.multinomial(weights[b], 1).item()</c> per row and direction, and the chosen
/// rows stacked one by one.
/// </summary>
internal static class AlbefHardNegativeBaseline
{
    /// <summary>For each text a negative image index, and for each image a negative text index.</summary>
    public static (long[] NegativeImage, long[] NegativeText) Sample(Tensor similarity)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var batch = similarity.shape[0];
        var weightsI2T = nn.functional.softmax(similarity, 1);
        var weightsT2I = nn.functional.softmax(similarity.t(), 1);
        // fill_diagonal_(0) in ALBEF; TorchSharp 0.107 has no fill_diagonal_, so mask the same entries.
        var diagonal = eye(batch, dtype: ScalarType.Bool);
        weightsI2T.masked_fill_(diagonal, 0);
        weightsT2I.masked_fill_(diagonal, 0);

        var negativeImage = new long[batch];
        for (var b = 0; b < batch; b++)
        {
            negativeImage[b] = multinomial(weightsT2I[b], 1).item<long>();
        }

        var negativeText = new long[batch];
        for (var b = 0; b < batch; b++)
        {
            negativeText[b] = multinomial(weightsI2T[b], 1).item<long>();
        }

        return (negativeImage, negativeText);
    }

    /// <summary>ALBEF's ITM loss: B positives, B (negative image, text) and B (image, negative text) pairs, rows stacked one by one.</summary>
    public static Tensor ItmLoss(Tensor image, Tensor text, Tensor similarity, System.Func<Tensor, Tensor, Tensor> fuse, nn.Module<Tensor, Tensor> head)
    {
        var (negativeImage, negativeText) = Sample(similarity);
        var imageNegatives = new List<Tensor>(negativeImage.Length);
        foreach (var index in negativeImage)
        {
            imageNegatives.Add(image[index]);
        }

        var textNegatives = new List<Tensor>(negativeText.Length);
        foreach (var index in negativeText)
        {
            textNegatives.Add(text[index]);
        }

        var imageAll = cat([stack(imageNegatives), image], 0);
        var textAll = cat([text, stack(textNegatives)], 0);
        var positive = fuse(image, text);
        var negative = fuse(imageAll, textAll);
        var logits = head.call(cat([positive, negative], 0));
        var batch = image.shape[0];
        var targets = cat([ones(batch, dtype: ScalarType.Int64), zeros(2 * batch, dtype: ScalarType.Int64)]);
        return nn.functional.cross_entropy(logits, targets);
    }
}
