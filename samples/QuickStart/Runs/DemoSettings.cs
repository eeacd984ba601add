using System;

namespace AuxLosses.QuickStart;

/// <summary>
/// Everything a demo run depends on besides its objective and seed: the synthetic dataset's size, the encoders' size
/// and the optimisation. <see cref="Full"/> is the README's demo; <see cref="Quick"/> is CI's smoke run.
/// </summary>
internal sealed record DemoSettings
{
    /// <summary>The README's demo: 4,000 / 800 / 1,200 posts, 32×32 images, three topics, 12 epochs.</summary>
    public static DemoSettings Full { get; } = new();

    /// <summary>CI's smoke run: the same pipeline on 240 / 60 / 60 posts for 2 epochs.</summary>
    public static DemoSettings Quick { get; } = new() { TrainCount = 240, ValidationCount = 60, TestCount = 60, Epochs = 2 };

    public int TrainCount { get; init; } = 4000;

    public int ValidationCount { get; init; } = 800;

    public int TestCount { get; init; } = 1200;

    public int ImageSize { get; init; } = 32;

    public int TopicCount { get; init; } = 3;

    public int Epochs { get; init; } = 12;

    public int BatchSize { get; init; } = 64;

    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Hidden width of the BERT-style text encoder (2 layers, 2 heads).</summary>
    public int TextHidden { get; init; } = 64;

    /// <summary>Output width of the ResNet-style image encoder (basic blocks [1, 1, 1, 1]).</summary>
    public int ImageWidth { get; init; } = 64;

    /// <summary>Width of the ITC projections, SPP-SCL's aligned d = 32.</summary>
    public int ProjectionSize { get; init; } = 32;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        Positive(TrainCount, nameof(TrainCount));
        Positive(ValidationCount, nameof(ValidationCount));
        Positive(TestCount, nameof(TestCount));
        Positive(Epochs, nameof(Epochs));
        if (BatchSize < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "The contrastive objectives need at least 2 posts per batch.");
        }

        if (!(LearningRate > 0 && double.IsFinite(LearningRate)))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "The learning rate must be positive and finite.");
        }
    }

    private static void Positive(int value, string name)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive, got {value}.");
        }
    }
}
