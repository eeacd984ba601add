namespace AuxLosses.Models;

/// <summary>On-disk formats <see cref="WeightLoader"/> reads and writes.</summary>
public enum WeightFormat
{
    /// <summary>Hugging Face safetensors (<c>.safetensors</c>; see <see cref="SafeTensors"/>).</summary>
    SafeTensors,

    /// <summary>TorchSharp's native format written by <c>Module.save</c> (commonly <c>.dat</c> or <c>.bin</c>).</summary>
    TorchSharp,
}
