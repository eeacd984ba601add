using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AuxLosses.Benchmarks.Models;

/// <summary>
/// A small late-fusion classifier: MLP encoders over precomputed image (2048) and text (768) features to 256 each,
/// fusion ReLU(Linear(cat(image, text))) to 256, and a linear classifier.
/// </summary>
internal sealed class LateFusionModel : nn.Module
{
    private readonly Sequential imageEncoder;
    private readonly Sequential textEncoder;
    private readonly Linear fusion;
    private readonly Linear classifier;

    public LateFusionModel(long imageInput, long textInput, long width, long classes)
        : base(nameof(LateFusionModel))
    {
        imageEncoder = nn.Sequential(nn.Linear(imageInput, 2 * width), nn.ReLU(), nn.Linear(2 * width, width));
        textEncoder = nn.Sequential(nn.Linear(textInput, 2 * width), nn.ReLU(), nn.Linear(2 * width, width));
        fusion = nn.Linear(2 * width, width);
        classifier = nn.Linear(width, classes);
        RegisterComponents();
    }

    public (Tensor Image, Tensor Text) Encode(Tensor pixels, Tensor tokens) => (imageEncoder.call(pixels), textEncoder.call(tokens));

    public Tensor Fuse(Tensor image, Tensor text) => nn.functional.relu(fusion.call(cat([image, text], 1)));

    public Tensor Classify(Tensor fused) => classifier.call(fused);
}
