using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AuxLosses.Models.Internal;

/// <summary>HF <c>ViTEncoder</c>: the stack of blocks, registered as <c>layer.N</c>. The model runs it so it can keep every hidden state.</summary>
internal sealed class VitEncoder : nn.Module
{
    private readonly ModuleList<VitLayer> layer;

    public VitEncoder(VitConfig config)
        : base(nameof(VitEncoder))
    {
        layer = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new VitLayer(config)).ToArray());
        RegisterComponents();
    }

    public IEnumerable<VitLayer> Layers => layer;
}
