using AuxLosses.Internal;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AuxLosses.Models.Internal;

/// <summary>HF <c>ViTEmbeddings</c>: [CLS; patch tokens] + learned position embeddings, then dropout.</summary>
internal sealed class VitEmbeddings : nn.Module<Tensor, Tensor>
{
    private readonly Parameter cls_token;
    private readonly Parameter position_embeddings;
    private readonly VitPatchEmbeddings patch_embeddings;
    private readonly double dropout;

    public VitEmbeddings(VitConfig config)
        : base(nameof(VitEmbeddings))
    {
        cls_token = new Parameter(zeros(1, 1, config.HiddenSize));
        position_embeddings = new Parameter(zeros(1, config.NumPatches + 1, config.HiddenSize));
        patch_embeddings = new VitPatchEmbeddings(config);
        dropout = config.HiddenDropoutProb;
        RegisterComponents();
    }

    public override Tensor forward(Tensor pixels)
    {
        using var scope = NewDisposeScope();
        var patches = patch_embeddings.forward(pixels);
        var cls = cls_token.expand(patches.shape[0], -1, -1);
        var embeddings = cat([cls, patches], 1).Plus(position_embeddings);
        return scope.MoveToOuter(nn.functional.dropout(embeddings, dropout, training));
    }
}
