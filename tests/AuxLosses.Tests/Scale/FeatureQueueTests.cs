using System;
using System.Linq;
using FluentAssertions;
using TorchSharp;
using static AuxLosses.Tests.Scale.ScaleTestHelpers;
using static TorchSharp.torch;

namespace AuxLosses.Tests.Scale;

public sealed class FeatureQueueTests
{
    // Row k of a batch is (id, id, …) so that slot contents identify the entry.
    private static Tensor Ids(int dim, params double[] ids) =>
        tensor(ids, dtype: ScalarType.Float64).unsqueeze(1).expand(ids.Length, dim).contiguous();

    private static double[] SlotIds(Tensor view) => Rows(view).Select(r => r[0]).ToArray();

    [Fact]
    public void Partial_fill_keeps_insertion_order_and_counts()
    {
        using var scope = NewDisposeScope();
        using var queue = Queue(5, 2, labels: true);
        queue.Count.Should().Be(0);
        queue.Image.shape.Should().Equal(0, 2);
        queue.Enqueue(Ids(2, 1, 2, 3), Ids(2, 11, 12, 13), Labels(7, 8, 9));
        queue.Count.Should().Be(3);
        queue.IsFull.Should().BeFalse();
        queue.Position.Should().Be(3);
        SlotIds(queue.Image).Should().Equal(1, 2, 3);
        SlotIds(queue.Text).Should().Equal(11, 12, 13);
        Longs(queue.Labels).Should().Equal(7, 8, 9);
    }

    [Fact]
    public void Overflow_wraps_around_and_overwrites_the_oldest_slots()
    {
        using var scope = NewDisposeScope();
        using var queue = Queue(5, 2, labels: true);
        queue.Enqueue(Ids(2, 1, 2, 3), Ids(2, 1, 2, 3), Labels(1, 2, 3));
        queue.Enqueue(Ids(2, 4, 5, 6), Ids(2, 4, 5, 6), Labels(4, 5, 6));
        queue.Count.Should().Be(5);
        queue.IsFull.Should().BeTrue();
        queue.Position.Should().Be(1, "slot 1 now holds the oldest entry");
        SlotIds(queue.Image).Should().Equal(6, 2, 3, 4, 5);
        Longs(queue.Labels).Should().Equal(6, 2, 3, 4, 5);
        queue.Enqueue(Ids(2, 7), Ids(2, 7), Labels(7));
        SlotIds(queue.Text).Should().Equal(6, 7, 3, 4, 5);
        queue.Seen.Should().Be(7);
    }

    [Fact]
    public void A_batch_larger_than_the_capacity_keeps_its_newest_rows()
    {
        using var scope = NewDisposeScope();
        using var queue = Queue(4, 3, labels: false);
        queue.Enqueue(Ids(3, 0), Ids(3, 0));
        queue.Enqueue(Ids(3, 1, 2, 3, 4, 5, 6), Ids(3, 1, 2, 3, 4, 5, 6));
        queue.Count.Should().Be(4);
        // Rows 3..6 written from position 1 onwards, wrapping: slots 1, 2, 3, 0.
        SlotIds(queue.Image).Should().Equal(6, 3, 4, 5);
        queue.Position.Should().Be(1);
    }

    [Fact]
    public void Reset_empties_and_the_queue_refills_from_slot_zero()
    {
        using var scope = NewDisposeScope();
        using var queue = Queue(3, 2, labels: true);
        queue.Enqueue(Ids(2, 1, 2, 3, 4), Ids(2, 1, 2, 3, 4), Labels(1, 2, 3, 4));
        queue.Reset();
        queue.Count.Should().Be(0);
        queue.Position.Should().Be(0);
        queue.Seen.Should().Be(0);
        queue.Labels.shape.Should().Equal(0);
        queue.Enqueue(Ids(2, 9), Ids(2, 9), Labels(0));
        SlotIds(queue.Image).Should().Equal(9);
    }

    [Fact]
    public void Stored_entries_are_detached_copies_that_survive_the_callers_scope()
    {
        FeatureQueue queue;
        using (NewDisposeScope())
        {
            queue = Queue(4, 2, labels: false);
            var image = Ids(2, 1, 2).requires_grad_(true);
            var text = (Ids(2, 3, 4) * 1.0).requires_grad_(true);
            queue.Enqueue(image * 2, text);
            using (no_grad())
            {
                image.add_(100);
            }
        }

        using (queue)
        using (NewDisposeScope())
        {
            queue.Image.requires_grad.Should().BeFalse();
            SlotIds(queue.Image).Should().Equal(2, 4);
            SlotIds(queue.Text).Should().Equal(3, 4);
        }
    }

    [Fact]
    public void Float32_storage_holds_float32_entries()
    {
        using var scope = NewDisposeScope();
        using var queue = new FeatureQueue(new FeatureQueueOptions { Capacity = 2, Dim = 3 });
        queue.Dtype.Should().Be(ScalarType.Float32);
        queue.Enqueue(ones(1, 3), ones(1, 3));
        queue.Image.dtype.Should().Be(ScalarType.Float32);
    }

    [Fact]
    public void Mismatched_inputs_throw_naming_the_argument()
    {
        using var scope = NewDisposeScope();
        using var queue = Queue(4, 3, labels: true);
        var ok = zeros(2, 3, dtype: ScalarType.Float64);
        var labels = Labels(0, 1);
        ((Action)(() => queue.Enqueue(zeros(2, 4, dtype: ScalarType.Float64), ok, labels))).Should().Throw<ArgumentException>().Where(e => e.ParamName == "image" && e.Message.Contains('3'));
        ((Action)(() => queue.Enqueue(ok, zeros(2, 3, dtype: ScalarType.Float32), labels))).Should().Throw<ArgumentException>().Where(e => e.ParamName == "text" && e.Message.Contains("Float64"));
        ((Action)(() => queue.Enqueue(ok, empty(2, 3, dtype: ScalarType.Float64, device: new Device(DeviceType.META)), labels))).Should().Throw<ArgumentException>().Where(e => e.ParamName == "text" && e.Message.Contains("device"));
        ((Action)(() => queue.Enqueue(ok, zeros(3, 3, dtype: ScalarType.Float64), labels))).Should().Throw<ArgumentException>().Where(e => e.ParamName == "text");
        ((Action)(() => queue.Enqueue(ok, ok))).Should().Throw<ArgumentException>().Where(e => e.ParamName == "labels");
        ((Action)(() => queue.Enqueue(ok, ok, Labels(0, 1, 2)))).Should().Throw<ArgumentException>().Where(e => e.ParamName == "labels");
        ((Action)(() => queue.Enqueue(ok, ok, Labels(0, -1)))).Should().Throw<ArgumentException>().Where(e => e.ParamName == "labels");
        ((Action)(() => queue.Enqueue(full(2, 3, double.NaN, dtype: ScalarType.Float64), ok, labels))).Should().Throw<ArgumentException>().Where(e => e.ParamName == "image");
        ((Action)(() => queue.Enqueue(zeros(0, 3, dtype: ScalarType.Float64), zeros(0, 3, dtype: ScalarType.Float64), Labels()))).Should().Throw<ArgumentException>().Where(e => e.ParamName == "image");
        queue.Count.Should().Be(0, "a rejected batch must leave the queue untouched");

        using var unlabelled = Queue(4, 3, labels: false);
        ((Action)(() => unlabelled.Enqueue(ok, ok, labels))).Should().Throw<ArgumentException>().Where(e => e.ParamName == "labels");
        ((Action)(() => _ = unlabelled.Labels)).Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void Invalid_options_throw_naming_the_option()
    {
        ((Action)(() => _ = new FeatureQueue(new FeatureQueueOptions { Capacity = 0 }))).Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "Capacity");
        ((Action)(() => _ = new FeatureQueue(new FeatureQueueOptions { Dim = 0 }))).Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "Dim");
        ((Action)(() => _ = new FeatureQueue(new FeatureQueueOptions { Dtype = ScalarType.Int64 }))).Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "Dtype");
        ((Action)(() => _ = new FeatureQueue(new FeatureQueueOptions { EnqueuePolicy = (FeatureQueuePolicy)7 }))).Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "EnqueuePolicy");
    }

    [Fact]
    public void Disposed_queue_refuses_further_use()
    {
        var queue = Queue(2, 2, labels: false);
        queue.Dispose();
        queue.Dispose();
        ((Action)(() => _ = queue.Image)).Should().Throw<ObjectDisposedException>();
        ((Action)(() => queue.Reset())).Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void Reservoir_is_deterministic_given_a_generator_and_keeps_each_entry_with_probability_K_over_n()
    {
        const int capacity = 4, offered = 20, trials = 400;
        var hits = new double[offered];
        using var generator = new Generator(1234);
        for (var trial = 0; trial < trials; trial++)
        {
            using var scope = NewDisposeScope();
            using var queue = new FeatureQueue(new FeatureQueueOptions { Capacity = capacity, Dim = 1, Dtype = ScalarType.Float64, EnqueuePolicy = FeatureQueuePolicy.Reservoir, Generator = generator });
            for (var start = 0; start < offered; start += 5)
            {
                var ids = Enumerable.Range(start, 5).Select(i => (double)i).ToArray();
                queue.Enqueue(Ids(1, ids), Ids(1, ids));
            }

            queue.Count.Should().Be(capacity);
            var kept = SlotIds(queue.Image);
            kept.Distinct().Should().HaveCount(capacity);
            foreach (var id in kept)
            {
                hits[(int)id] += 1.0 / trials;
            }
        }

        // Each of the 20 entries is kept with probability 4/20 = 0.2 (σ ≈ 0.02 over 400 trials).
        hits.Should().OnlyContain(p => Math.Abs(p - 0.2) < 0.09);

        double[] Run(ulong seed)
        {
            using var scope = NewDisposeScope();
            using var g = new Generator(seed);
            using var queue = new FeatureQueue(new FeatureQueueOptions { Capacity = 3, Dim = 1, Dtype = ScalarType.Float64, EnqueuePolicy = FeatureQueuePolicy.Reservoir, Generator = g });
            var ids = Enumerable.Range(0, 12).Select(i => (double)i).ToArray();
            queue.Enqueue(Ids(1, ids), Ids(1, ids));
            return SlotIds(queue.Image);
        }

        Run(7).Should().Equal(Run(7));
    }
}
