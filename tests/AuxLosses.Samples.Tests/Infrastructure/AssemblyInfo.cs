// The samples seed TorchSharp's process-wide generator (torch.manual_seed) before building their models, as a user's
// program does; tests running in parallel would interleave their draws.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
