using static TorchSharp.torch;

namespace AuxLosses;

/// <summary>
/// The one collective the data-parallel ("local loss") overloads need, implemented by the user over their own
/// transport (TorchSharp has no <c>torch.distributed</c>): NCCL or MPI bindings, gRPC, shared memory, …
/// </summary>
/// <remarks>
/// <para>
/// Every rank must call the loss the same number of times in the same order, because each call runs the collectives
/// below on every rank (forward: one <see cref="AllGather"/> per gathered input; backward: one
/// <see cref="ReduceScatter"/> per gathered input that needs a gradient). Local batches must have equal size on
/// every rank, as for <c>torch.distributed.all_gather</c>.
/// </para>
/// <para>
/// Gradient convention (open_clip's <c>local_loss=True, gather_with_grad=True</c>): a local overload returns
/// WorldSize × (this rank's share of the full-batch loss), which for equal shards is the mean over this rank's
/// anchors; gathered inputs carry gradient back to their owners through <see cref="ReduceScatter"/>. Then the
/// <b>mean</b> over ranks of the per-rank losses equals the full-batch loss, and the <b>mean</b> over ranks of the
/// per-rank parameter gradients — what DDP-style gradient averaging computes — equals the full-batch gradient. If
/// your transport sums gradients instead of averaging them, divide the loss by <see cref="WorldSize"/>.
/// </para>
/// </remarks>
public interface IFeatureGatherer
{
    /// <summary>This process's index in [0, <see cref="WorldSize"/>).</summary>
    int Rank { get; }

    /// <summary>Number of participating processes, ≥ 1.</summary>
    int WorldSize { get; }

    /// <summary>
    /// Concatenates every rank's <paramref name="local"/> along dimension 0 in rank order and returns the result
    /// ([WorldSize·n, …], same dtype and device) on every rank. The result carries no gradient; rank r's own rows
    /// [r·n, (r+1)·n) must equal <paramref name="local"/>. Used for features and for integer labels.
    /// </summary>
    Tensor AllGather(Tensor local);

    /// <summary>
    /// The backward of <see cref="AllGather"/>: sums <paramref name="gathered"/> ([WorldSize·n, …], this rank's
    /// gradient with respect to the gathered tensor) over all ranks and returns this rank's slice [n, …]
    /// (rows [Rank·n, (Rank+1)·n) of the sum), like <c>torch.distributed.reduce_scatter</c> with SUM.
    /// </summary>
    /// <remarks>
    /// The default builds it from <see cref="AllGather"/> (WorldSize times the traffic of a real reduce-scatter);
    /// override it when the transport has a reduce-scatter or an all-reduce. It runs inside autograd's backward,
    /// where TorchSharp cannot propagate an exception to the caller of <c>backward()</c> (the process stops), so it
    /// must return a tensor of <paramref name="gathered"/>'s dtype and device with shape [n, …].
    /// </remarks>
    Tensor ReduceScatter(Tensor gathered)
    {
        using var scope = NewDisposeScope();
        var world = WorldSize;
        var share = gathered.shape[0] / world;
        var shape = new long[gathered.dim() + 1];
        shape[0] = world;
        for (var d = 0; d < gathered.dim(); d++)
        {
            shape[d + 1] = gathered.shape[d];
        }

        var summed = AllGather(gathered.contiguous()).reshape(shape).sum(dim: 0);
        return scope.MoveToOuter(summed.narrow(0, Rank * share, share).contiguous());
    }
}
