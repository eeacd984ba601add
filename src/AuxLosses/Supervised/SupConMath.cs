using AuxLosses.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Internal;

/// <summary>
/// The two supervised-contrastive reductions shared by <see cref="SupervisedContrastiveLoss"/>,
/// <see cref="CrossModalSupervisedContrastiveLoss"/> and <see cref="SemiPushPullObjective"/>. Both take the
/// logits <c>s_ia = z_i·z_a / τ</c> of anchors (rows) against candidates (columns), a boolean positive mask and
/// optionally a boolean mask of the anchor's own column.
/// </summary>
internal static class SupConMath
{
    /// <summary>Features in the precision the loss is computed in: float32 for half types, else unchanged.</summary>
    public static Tensor Upcast(Tensor x) =>
        x.dtype is ScalarType.Float16 or ScalarType.BFloat16 ? x.to(ScalarType.Float32) : x;

    /// <summary>Upcast and, when asked, L2-normalise the last dimension exactly like PyTorch's <c>F.normalize</c>.</summary>
    public static Tensor Embed(Tensor x, bool normalize)
    {
        var z = Upcast(x);
        return normalize ? nn.functional.normalize(z, p: 2.0, dim: -1, eps: 1e-12) : z;
    }

    /// <summary>
    /// Khosla et al.: <c>−scale · mean_{i: |P(i)|>0} (1/|P(i)|) Σ_{p∈P(i)} [s_ip − log Σ_{a∉self(i)} exp(s_ia)]</c>.
    /// </summary>
    /// <remarks>
    /// Rows without a positive are left out of the mean; when no row has one the result is an exact 0 that is
    /// still a function of the features (zero gradient, nothing to learn), so callers can always backward.
    /// </remarks>
    public static Tensor Khosla(Tensor logits, Tensor positives, Tensor? self, double scale)
    {
        var denominator = logits;
        if (self is not null)
        {
            // −inf removes the anchor itself from the log-sum-exp. A row whose only column is itself (B = 1)
            // has no positive either; it gets 0s instead so its normaliser stays finite and its gradient 0.
            var hasCandidate = self.logical_not().any(1, keepdim: true);
            denominator = logits.masked_fill(self, Scalars.NegativeInfinity).where(hasCandidate, zeros_like(logits));
        }

        var logProb = logits - denominator.logsumexp(1, keepdim: true);
        var count = positives.to(logits.dtype).sum(1);
        var perAnchor = logProb.where(positives, zeros_like(logProb)).sum(1) / count.clamp_min(Scalars.OneF);
        var anchors = count.gt(Scalars.Zero).to(logits.dtype).sum();
        return perAnchor.sum().Times(-scale) / anchors.clamp_min(Scalars.OneF);
    }

    /// <summary>
    /// Per anchor, the sum of the candidates that share its label and how many there are: labels are grouped on
    /// [N] vectors (unique + index_add), so no anchors × candidates mask is built.
    /// </summary>
    /// <param name="candidates">Candidate features [N, D].</param>
    /// <param name="candidateLabels">Integer labels [N] of the candidates.</param>
    /// <param name="anchorLabels">Integer labels [A] of the anchors.</param>
    /// <returns>Sums [A, D] and counts [A], both in the dtype of <paramref name="candidates"/>.</returns>
    public static (Tensor Sums, Tensor Counts) SameLabel(Tensor candidates, Tensor candidateLabels, Tensor anchorLabels)
    {
        var n = candidateLabels.shape[0];
        var all = cat(new[] { candidateLabels, anchorLabels.to(candidateLabels.dtype) });
        var (values, inverse, _) = all.unique(sorted: false, return_inverse: true);
        var group = inverse!.reshape(-1);
        var candidateGroup = group.narrow(0, 0, n);
        var anchorGroup = group.narrow(0, n, anchorLabels.shape[0]);
        var classes = values.shape[0];
        var sums = zeros(classes, candidates.shape[1], dtype: candidates.dtype, device: candidates.device).index_add(0, candidateGroup, candidates, Scalars.OneF);
        var counts = zeros(classes, dtype: candidates.dtype, device: candidates.device)
            .index_add(0, candidateGroup, ones(n, dtype: candidates.dtype, device: candidates.device), Scalars.OneF);
        return (sums.index_select(0, anchorGroup), counts.index_select(0, anchorGroup));
    }

    /// <summary>
    /// <see cref="Khosla"/> without any B×B mask or log-probability matrix:
    /// <c>Σ_{p∈P(i)} log p_ip = Σ_{p∈P(i)} s_ip − |P(i)|·LSE_{a∉self(i)} s_ia</c>, where the positive-logit sum is
    /// linear in the features and so comes in as a [A] vector (see <see cref="SameLabel"/>).
    /// </summary>
    /// <param name="logits">Anchors × candidates logits with each anchor's own column already −∞ (every row needs a finite entry).</param>
    /// <param name="positiveLogitSum">Σ_{p∈P(i)} s_ip, [A].</param>
    /// <param name="positiveCount">|P(i)|, [A], in the logits' dtype.</param>
    /// <param name="scale">τ/τ_base.</param>
    public static Tensor KhoslaFactored(Tensor logits, Tensor positiveLogitSum, Tensor positiveCount, double scale)
    {
        // Rows without a positive have a zero sum and count: they contribute exactly 0 and are left out of the mean.
        var perAnchor = (positiveLogitSum - positiveCount * logits.logsumexp(1)) / positiveCount.clamp_min(Scalars.OneF);
        var anchors = positiveCount.gt(Scalars.Zero).to(logits.dtype).sum();
        return perAnchor.sum().Times(-scale) / anchors.clamp_min(Scalars.OneF);
    }

    /// <summary>
    /// SPP-SCL <c>loss.py</c> arithmetic, operation for operation: self logits multiplied by 0 (kept in the
    /// denominator as <c>exp(0 − rowmax)</c>), detached row-max shift, <c>log(Σexp + 1e-12)</c>, positives
    /// averaged per row with empty rows contributing 0, then the plain mean over all rows.
    /// </summary>
    public static Tensor Reference(Tensor logits, Tensor positives, Tensor? self)
    {
        if (self is not null)
        {
            logits = logits.masked_fill(self, Scalars.ZeroF);
        }

        // exp of logits shifted by the row max is ≤ 1 and the max term contributes exp(0) = 1, so the sum is in
        // [1, N]: this explicit exp-then-log (kept to match the reference bit for bit) cannot overflow or hit log 0.
        var shifted = logits - logits.max(1, keepdim: true).values.detach();
        var logNormalizer = shifted.exp().sum(1, keepdim: true).Plus(1e-12).log();
        var mask = positives.to(logits.dtype);
        var logProb = shifted * mask - logNormalizer;
        var count = mask.sum(1);
        count = count.where(count.ne(Scalars.Zero), ones_like(count));
        var perAnchor = (mask * logProb).sum(1) / count;
        return -perAnchor.mean();
    }
}
