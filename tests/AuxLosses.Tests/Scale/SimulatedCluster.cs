using System;
using System.Linq;
using System.Threading;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Tests.Scale;

/// <summary>
/// N ranks in one process, one thread each, meeting in <see cref="IFeatureGatherer.AllGather"/> like a real
/// collective: every rank deposits a detached copy of its tensor and receives the concatenation of all copies, so
/// the other ranks' rows reach it without any autograd history — exactly what torch.distributed.all_gather gives.
/// The gradient's way back (ReduceScatter) is the interface's default, built from AllGather.
/// </summary>
internal sealed class SimulatedCluster : IDisposable
{
    private readonly Barrier barrier;
    private readonly Tensor?[] slots;

    public SimulatedCluster(int worldSize)
    {
        WorldSize = worldSize;
        barrier = new Barrier(worldSize);
        slots = new Tensor?[worldSize];
    }

    public int WorldSize { get; }

    public int Gathers;

    /// <summary>Runs <paramref name="rank"/> on WorldSize threads at once and returns their results in rank order.</summary>
    public T[] Run<T>(Func<IFeatureGatherer, T> rank)
    {
        var results = new T[WorldSize];
        var errors = new Exception?[WorldSize];
        var threads = Enumerable.Range(0, WorldSize).Select(r => new Thread(() =>
        {
            try
            {
                results[r] = rank(new Gatherer(this, r));
            }
            catch (Exception e)
            {
                errors[r] = e;
            }
        })).ToArray();
        foreach (var t in threads)
        {
            t.Start();
        }

        foreach (var t in threads)
        {
            t.Join();
        }

        if (errors.FirstOrDefault(e => e is not null) is { } error)
        {
            throw new InvalidOperationException("A simulated rank failed.", error);
        }

        return results;
    }

    public void Dispose() => barrier.Dispose();

    private void Wait()
    {
        if (!barrier.SignalAndWait(TimeSpan.FromSeconds(30)))
        {
            throw new TimeoutException("A simulated rank did not reach the collective.");
        }
    }

    private sealed class Gatherer(SimulatedCluster cluster, int rank) : IFeatureGatherer
    {
        public int Rank => rank;

        public int WorldSize => cluster.WorldSize;

        public Tensor AllGather(Tensor local)
        {
            using var scope = NewDisposeScope();
            Interlocked.Increment(ref cluster.Gathers);
            cluster.slots[rank] = local.detach().clone();
            cluster.Wait();
            var gathered = cat(cluster.slots.Select(s => s!).ToArray());
            // Nobody may overwrite a slot (or dispose it with this scope) before every rank has read it.
            cluster.Wait();
            return scope.MoveToOuter(gathered);
        }
    }
}
