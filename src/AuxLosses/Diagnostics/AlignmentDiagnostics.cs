using System;
using System.Collections.Generic;
using System.Linq;
using AuxLosses.Internal;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace AuxLosses;

/// <summary>
/// IID, TTD and ITD, the alignment analysis the SPP-SCL paper reports: mean pairwise Euclidean distances among samples
/// that share a label. The paper's repository (TomorrowJW/SPP-SCL) has no code for them, so the exact definition below
/// is this library's.
/// <code>
/// P_c = { i : y_i = c }
/// IID = Σ_c Σ_{i≠j ∈ P_c} ‖x_i − x_j‖ / Σ_c n_c(n_c − 1)      image-image
/// TTD = Σ_c Σ_{i≠j ∈ P_c} ‖t_i − t_j‖ / Σ_c n_c(n_c − 1)      text-text
/// ITD = Σ_c Σ_{i,j ∈ P_c} ‖x_i − t_j‖ / Σ_c n_c²              image-text, the post's own pair i = j included
/// </code>
/// Smaller values mean tighter classes (IID, TTD) and modalities that meet (ITD). ITD includes i = j because a
/// post's own image and text are a same-label pair, and the distance between them is exactly what cross-modal
/// alignment shrinks.
/// </summary>
/// <remarks>
/// Computed without gradient, in float64, class by class (memory Σ_c n_c², never B², and rows in chunks of
/// 1,024), so it also serves for a whole evaluation set. A class with one sample has no intra-modal pair; when no
/// class has two samples, <see cref="AlignmentReport.Iid"/> and <see cref="AlignmentReport.Ttd"/> are NaN and
/// <see cref="AlignmentReport.IntraModalPairCount"/> is 0: an empty mean is undefined, and throwing would make a
/// logging call fail on small batches. <see cref="AlignmentReport.Itd"/> is always defined.
/// </remarks>
public static class AlignmentDiagnostics
{
    private const long ChunkRows = 1024;

    /// <summary>Computes IID, TTD and ITD, pooled over classes and per class.</summary>
    /// <param name="image">Image embeddings [B, D] (any floating dtype).</param>
    /// <param name="text">Text embeddings [B, D] on the same device; row i belongs to the post of image row i.</param>
    /// <param name="labels">Class indices [B] (integer dtype, ≥ 0) on the same device.</param>
    /// <param name="normalize">L2-normalize every row first (distances then lie in [0, 2]). Default false: raw embeddings.</param>
    /// <exception cref="ArgumentException">Shapes or devices differ, the batch is empty, an input holds NaN/Inf, or the labels are not [B] non-negative integers.</exception>
    public static AlignmentReport Compute(Tensor image, Tensor text, Tensor labels, bool normalize = false)
    {
        TensorGuard.Features(image, nameof(image), 2);
        TensorGuard.Features(text, nameof(text), 2);
        TensorGuard.SameShape(image, nameof(image), text, nameof(text));
        TensorGuard.SameDevice(image, nameof(image), text, nameof(text));
        TensorGuard.Labels(labels, nameof(labels), image.shape[0], image);
        TensorGuard.Finite(image, nameof(image));
        TensorGuard.Finite(text, nameof(text));

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = image.detach().to(ScalarType.Float64);
        var t = text.detach().to(ScalarType.Float64);
        if (normalize)
        {
            x = F.normalize(x, p: 2, dim: 1);
            t = F.normalize(t, p: 2, dim: 1);
        }

        var classes = new List<AlignmentClassReport>();
        double intraImage = 0, intraText = 0, cross = 0;
        long intraPairs = 0, crossPairs = 0;
        foreach (var label in labels.unique(sorted: true).output.cpu().to(ScalarType.Int64).data<long>().ToArray())
        {
            using var labelValue = label.ToScalar();
            var members = labels.eq(labelValue).nonzero().squeeze(1);
            var n = members.shape[0];
            var xc = x.index_select(0, members);
            var tc = t.index_select(0, members);
            var sums = stack(new[] { DistanceSum(xc, xc, skipDiagonal: true), DistanceSum(tc, tc, skipDiagonal: true), DistanceSum(xc, tc, skipDiagonal: false) })
                .cpu().data<double>().ToArray();

            // Ordered pairs: each unordered pair {i, j} is summed twice and counted twice.
            var ordered = n * (n - 1);
            intraImage += sums[0];
            intraText += sums[1];
            cross += sums[2];
            intraPairs += ordered / 2;
            crossPairs += n * n;
            classes.Add(new AlignmentClassReport
            {
                Label = label,
                SampleCount = n,
                Iid = Mean(sums[0], ordered),
                Ttd = Mean(sums[1], ordered),
                Itd = Mean(sums[2], n * n),
            });
        }

        return new AlignmentReport
        {
            Iid = Mean(intraImage, 2 * intraPairs),
            Ttd = Mean(intraText, 2 * intraPairs),
            Itd = Mean(cross, crossPairs),
            IntraModalPairCount = intraPairs,
            CrossModalPairCount = crossPairs,
            SampleCount = image.shape[0],
            Classes = classes.AsReadOnly(),
        };
    }

    /// <summary>Σ_{i,j} ‖a_i − b_j‖ as a scalar tensor, optionally without the i = j terms, in row chunks.</summary>
    private static Tensor DistanceSum(Tensor a, Tensor b, bool skipDiagonal)
    {
        var total = zeros(Array.Empty<long>(), dtype: ScalarType.Float64, device: a.device);
        var rows = a.shape[0];
        for (long start = 0; start < rows; start += ChunkRows)
        {
            var length = Math.Min(ChunkRows, rows - start);
            var distances = cdist(a.narrow(0, start, length), b);
            total = total.Plus(distances.sum());
            if (skipDiagonal)
            {
                // Subtract exactly what cdist put on the diagonal (its matmul path leaves ~1e-8 there, not 0).
                total = total - distances.diagonal(offset: start).sum();
            }
        }

        return total;
    }

    private static double Mean(double sum, long count) => count == 0 ? double.NaN : sum / count;
}
