namespace AuxLosses.Models.Tests.Training;

/// <summary>
/// The trainer tests compare runs bitwise and count live tensors; torch's global generator and tensor statistics are
/// process-wide, so these tests must not run beside other tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TrainingCollection
{
    public const string Name = "Trainer (serial)";
}
