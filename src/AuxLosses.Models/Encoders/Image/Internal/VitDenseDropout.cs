using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AuxLosses.Models.Internal;

/// <summary>
/// <c>dropout(dense(x))</c>, optionally followed by an activation: HF's <c>ViTSelfOutput</c> (no activation),
/// <c>ViTIntermediate</c> (activation, dropout 0) and the projection part of <c>ViTOutput</c>. Only <c>dense</c> holds state.
/// </summary>
internal sealed class VitDenseDropout : nn.Module<Tensor, Tensor>
{
    private readonly Linear dense;
    private readonly double dropout;
    private readonly string? activation;

    public VitDenseDropout(long inputSize, long outputSize, double dropout, string? activation = null)
        : base(nameof(VitDenseDropout))
    {
        dense = nn.Linear(inputSize, outputSize);
        this.dropout = dropout;
        this.activation = activation;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = dense.forward(x);
        if (activation is not null)
        {
            y = VitActivation.Apply(activation, y);
        }

        return scope.MoveToOuter(nn.functional.dropout(y, dropout, training));
    }
}
