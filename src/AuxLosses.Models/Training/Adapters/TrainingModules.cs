using TorchSharp;

namespace AuxLosses.Models.Internal;

/// <summary>
/// A container that registers an adapter's modules under fixed names (state-dict prefixes) without owning them:
/// the adapter never disposes it, so disposing the adapter leaves the caller's classifier alive.
/// </summary>
internal sealed class TrainingModules : torch.nn.Module
{
    public TrainingModules(string name, params (string Name, torch.nn.Module? Module)[] children)
        : base(name)
    {
        foreach (var (childName, child) in children)
        {
            if (child is not null)
            {
                register_module(childName, child);
            }
        }
    }
}
