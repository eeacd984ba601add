namespace AuxLosses.Models;

/// <summary>Settings of <see cref="JointFusionModel"/> and <see cref="CommonSpaceFusionModel"/>.</summary>
public sealed class PooledFusionOptions
{
    /// <summary>Number of classes C. Default 2.</summary>
    public long NumClasses { get; init; } = 2;

    /// <summary>D, the width of the common space each modality is projected to. Default 256.</summary>
    public long CommonSize { get; init; } = 256;

    /// <summary>Pooling over modalities. Default <see cref="ModalityPooling.Max"/>.</summary>
    public ModalityPooling Pooling { get; init; } = ModalityPooling.Max;

    /// <summary>Dropout before the classifier. Default 0.1.</summary>
    public double Dropout { get; init; } = 0.1;

    /// <summary>Use the text encoder's pooler output instead of the last layer's CLS state. Default false.</summary>
    public bool UseTextPooler { get; init; }

    /// <summary>Freeze both encoders (no gradients, run under no_grad). Default false.</summary>
    public bool FreezeEncoders { get; init; }
}
