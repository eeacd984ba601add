using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AuxLosses.Models.Internal;

/// <summary>HF <c>ViTPooler</c>: tanh(dense(h_CLS)) on the final, layer-normed sequence.</summary>
internal sealed class VitPooler : nn.Module<Tensor, Tensor>
{
    private readonly Linear dense;

    public VitPooler(long hiddenSize)
        : base(nameof(VitPooler))
    {
        dense = nn.Linear(hiddenSize, hiddenSize);
        RegisterComponents();
    }

    public override Tensor forward(Tensor sequence)
    {
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(dense.forward(sequence[.., 0]).tanh());
    }
}
