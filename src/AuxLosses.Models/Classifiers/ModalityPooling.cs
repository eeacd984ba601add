namespace AuxLosses.Models;

/// <summary>How <see cref="JointFusionModel"/> and <see cref="CommonSpaceFusionModel"/> pool the modality vectors of a post.</summary>
public enum ModalityPooling
{
    /// <summary>Element-wise maximum over the present modalities (Duong et al. 2017's pooling layer).</summary>
    Max = 0,

    /// <summary>Element-wise mean over the present modalities.</summary>
    Mean = 1,
}
