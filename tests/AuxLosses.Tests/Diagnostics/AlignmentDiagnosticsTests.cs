using System;
using System.Linq;
using AuxLosses.Tests.Infrastructure;
using FluentAssertions;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Tests.Diagnostics;

public sealed class AlignmentDiagnosticsTests
{
    [Fact]
    public void Tiny_batch_matches_the_hand_computed_distances()
    {
        using var scope = NewDisposeScope();
        var image = tensor(new double[,] { { 0, 0 }, { 3, 4 }, { 1, 1 } });
        var text = tensor(new double[,] { { 0, 0 }, { 0, 4 }, { 5, 5 } });
        var labels = tensor(new long[] { 0, 0, 1 });

        var report = AlignmentDiagnostics.Compute(image, text, labels);

        // Class 0 = {0, 1}: ‖x0 − x1‖ = 5, ‖t0 − t1‖ = 4; image-text ‖x0−t0‖ = 0, ‖x0−t1‖ = 4, ‖x1−t0‖ = 5, ‖x1−t1‖ = 3.
        // Class 1 = {2}: no intra pair; ‖x2 − t2‖ = ‖(−4, −4)‖ = 4√2.
        report.Iid.Should().BeApproximately(5, 1e-12);
        report.Ttd.Should().BeApproximately(4, 1e-12);
        report.Itd.Should().BeApproximately((0 + 4 + 5 + 3 + 4 * Math.Sqrt(2)) / 5, 1e-12);
        report.IntraModalPairCount.Should().Be(1);
        report.CrossModalPairCount.Should().Be(5);
        report.SampleCount.Should().Be(3);

        report.Classes.Select(c => c.Label).Should().Equal(0L, 1L);
        report.Classes[0].SampleCount.Should().Be(2);
        report.Classes[0].Iid.Should().BeApproximately(5, 1e-12);
        report.Classes[0].Ttd.Should().BeApproximately(4, 1e-12);
        report.Classes[0].Itd.Should().BeApproximately(3, 1e-12);
        report.Classes[1].Iid.Should().Be(double.NaN);
        report.Classes[1].Ttd.Should().Be(double.NaN);
        report.Classes[1].Itd.Should().BeApproximately(4 * Math.Sqrt(2), 1e-12);
    }

    [Fact]
    public void Pooling_weighs_every_pair_once_not_every_class_once()
    {
        using var scope = NewDisposeScope();
        // Class 0: three images on a line at 0, 1, 2 → pairs 1, 2, 1; class 1: two images at 10 and 20 → pair 10.
        var image = tensor(new double[,] { { 0 }, { 1 }, { 2 }, { 10 }, { 20 } });
        var labels = tensor(new long[] { 0, 0, 0, 1, 1 });

        var report = AlignmentDiagnostics.Compute(image, image.clone(), labels);

        report.Iid.Should().BeApproximately((1 + 2 + 1 + 10) / 4.0, 1e-12);
        report.IntraModalPairCount.Should().Be(4);
        report.Classes[0].Iid.Should().BeApproximately(4 / 3.0, 1e-12);
        report.Classes[1].Iid.Should().BeApproximately(10, 1e-12);
        // Identical modalities: ITD = (Σ_{i≠j} d + Σ_i 0) / Σ n² = (2·4 + 2·10) / (9 + 4).
        report.Itd.Should().BeApproximately((8 + 20) / 13.0, 1e-12);
    }

    [Theory]
    [InlineData("alignment_raw")]
    [InlineData("alignment_normalized")]
    public void Matches_the_loop_based_PyTorch_fixture(string name)
    {
        using var scope = NewDisposeScope();
        var @case = Fixture.Load("objectives.json").Case(name);

        var report = AlignmentDiagnostics.Compute(
            Fixture.Tensor(@case, "image"), Fixture.Tensor(@case, "text"), Fixture.Tensor(@case, "labels"), @case.GetProperty("normalize").GetBoolean());

        report.Iid.Should().BeApproximately(Fixture.Number(@case, "iid"), 1e-10);
        report.Ttd.Should().BeApproximately(Fixture.Number(@case, "ttd"), 1e-10);
        report.Itd.Should().BeApproximately(Fixture.Number(@case, "itd"), 1e-10);
        report.IntraModalPairCount.Should().Be((long)Fixture.Number(@case, "intra_pairs"));
        report.CrossModalPairCount.Should().Be((long)Fixture.Number(@case, "cross_pairs"));
    }

    [Fact]
    public void All_distinct_labels_give_NaN_intra_modal_distances_with_zero_pairs()
    {
        using var scope = NewDisposeScope();
        var image = tensor(new double[,] { { 0, 0 }, { 1, 0 } });
        var text = tensor(new double[,] { { 0, 2 }, { 1, 1 } });

        var report = AlignmentDiagnostics.Compute(image, text, tensor(new long[] { 4, 9 }));

        report.Iid.Should().Be(double.NaN);
        report.Ttd.Should().Be(double.NaN);
        report.IntraModalPairCount.Should().Be(0);
        report.Itd.Should().BeApproximately((2 + 1) / 2.0, 1e-12, "only each post's own image-text pair remains");
        report.Classes.Select(c => c.Label).Should().Equal(4L, 9L);
    }

    [Fact]
    public void Relabelling_classes_and_permuting_the_batch_change_nothing_but_the_labels()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(17);
        var image = randn(20, 6, dtype: ScalarType.Float64, generator: generator);
        var text = randn(20, 6, dtype: ScalarType.Float64, generator: generator);
        var labels = randint(0, 4, new long[] { 20 }, generator: generator);
        var permutation = randperm(20, generator: generator);
        var relabelled = tensor(new long[] { 7, 3, 12, 0 }).index_select(0, labels).index_select(0, permutation).to(ScalarType.Int32);

        var original = AlignmentDiagnostics.Compute(image, text, labels);
        var shuffled = AlignmentDiagnostics.Compute(image.index_select(0, permutation), text.index_select(0, permutation), relabelled);

        shuffled.Iid.Should().BeApproximately(original.Iid, 1e-12);
        shuffled.Ttd.Should().BeApproximately(original.Ttd, 1e-12);
        shuffled.Itd.Should().BeApproximately(original.Itd, 1e-12);
        shuffled.IntraModalPairCount.Should().Be(original.IntraModalPairCount);
        shuffled.CrossModalPairCount.Should().Be(original.CrossModalPairCount);
        shuffled.Classes.Select(c => c.SampleCount).OrderBy(n => n).Should().Equal(original.Classes.Select(c => c.SampleCount).OrderBy(n => n));
    }

    [Fact]
    public void Classes_larger_than_one_chunk_match_a_dense_computation()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(23);
        const int b = 1100;
        var image = randn(b, 3, dtype: ScalarType.Float64, generator: generator);
        var text = randn(b, 3, dtype: ScalarType.Float64, generator: generator) + 1;
        var labels = zeros(b, dtype: ScalarType.Int64);
        labels[b - 1] = tensor(1L);

        var report = AlignmentDiagnostics.Compute(image, text, labels);

        // Dense reference for class 0 (the first b − 1 rows), exact differences instead of cdist's matmul path.
        var x = image.narrow(0, 0, b - 1);
        var t = text.narrow(0, 0, b - 1);
        var n = (double)(b - 1);
        var iid = cdist(x, x, compute_mode: compute_mode.donot_use_mm_for_euclid_dist).sum().item<double>() / (n * (n - 1));
        var ttd = cdist(t, t, compute_mode: compute_mode.donot_use_mm_for_euclid_dist).sum().item<double>() / (n * (n - 1));
        var itdClass0 = cdist(x, t, compute_mode: compute_mode.donot_use_mm_for_euclid_dist).sum().item<double>();
        var itdClass1 = (image[b - 1] - text[b - 1]).norm().item<double>();

        report.Iid.Should().BeApproximately(iid, 1e-9);
        report.Ttd.Should().BeApproximately(ttd, 1e-9);
        report.Itd.Should().BeApproximately((itdClass0 + itdClass1) / (n * n + 1), 1e-9);
    }

    [Fact]
    public void Normalize_bounds_distances_by_two_and_ignores_scale()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(29);
        var image = randn(10, 4, generator: generator);
        var text = randn(10, 4, generator: generator);
        var labels = tensor(new long[] { 0, 0, 0, 1, 1, 1, 2, 2, 2, 2 });

        var unit = AlignmentDiagnostics.Compute(image, text, labels, normalize: true);
        var scaled = AlignmentDiagnostics.Compute(image * 100, text * 0.01, labels, normalize: true);

        new[] { unit.Iid, unit.Ttd, unit.Itd }.Should().OnlyContain(d => d > 0 && d <= 2);
        scaled.Iid.Should().BeApproximately(unit.Iid, 1e-6);
        scaled.Itd.Should().BeApproximately(unit.Itd, 1e-6);
    }

    [Fact]
    public void Reduced_precision_and_grad_tracking_inputs_are_accepted()
    {
        using var scope = NewDisposeScope();
        var image = tensor(new float[,] { { 0, 0 }, { 3, 4 } }).requires_grad_(true);
        var text = tensor(new float[,] { { 0, 0 }, { 0, 4 } }).to(ScalarType.BFloat16);
        var labels = tensor(new long[] { 1, 1 });

        var report = AlignmentDiagnostics.Compute(image, text, labels);

        report.Iid.Should().BeApproximately(5, 1e-6);
        report.Ttd.Should().BeApproximately(4, 1e-6);
        image.grad.Should().BeNull();
    }

    [Fact]
    public void Bad_inputs_are_rejected_naming_the_argument()
    {
        using var scope = NewDisposeScope();
        var good = randn(4, 3);
        var labels = tensor(new long[] { 0, 1, 0, 1 });

        Param(() => AlignmentDiagnostics.Compute(randn(4), good, labels)).Should().Be("image");
        Param(() => AlignmentDiagnostics.Compute(good, randn(4, 2), labels)).Should().Be("text");
        Param(() => AlignmentDiagnostics.Compute(good, good, tensor(new long[] { 0, 1 }))).Should().Be("labels");
        Param(() => AlignmentDiagnostics.Compute(good, good, tensor(new float[] { 0, 1, 0, 1 }))).Should().Be("labels");
        Param(() => AlignmentDiagnostics.Compute(good, good, tensor(new long[] { 0, 1, -2, 1 }))).Should().Be("labels");
        Param(() => AlignmentDiagnostics.Compute(empty(0, 3), empty(0, 3), empty(0, dtype: ScalarType.Int64))).Should().Be("image");
        Param(() => AlignmentDiagnostics.Compute(good, good.clone().index_fill_(0, tensor(new long[] { 3 }), float.NaN), labels)).Should().Be("text");
        Param(() => AlignmentDiagnostics.Compute(good, good, null!)).Should().Be("labels");
    }

    [Fact]
    public void Repeated_calls_leave_no_tensors_alive()
    {
        var image = randn(12, 8);
        var text = randn(12, 8);
        var labels = tensor(new long[] { 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2 });

        LeakCheck.AssertFlat(() => AlignmentDiagnostics.Compute(image, text, labels, normalize: true));

        image.Dispose();
        text.Dispose();
        labels.Dispose();
    }

    private static string? Param(Func<AlignmentReport> act) => act.Should().Throw<ArgumentException>().Which.ParamName;
}
