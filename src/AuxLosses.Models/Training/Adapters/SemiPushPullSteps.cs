using System;
using System.Collections.Generic;
using AuxLosses.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Models.Internal;

/// <summary>
/// SPP-SCL's training step through the trainer's optimizer controls, shared by the adapters that run
/// <see cref="SemiPushPullObjective"/>: either the two optimizer steps of the reference's <c>train.py</c> or the
/// one-step ablation. <c>forward</c> is called once per forward pass the step needs (twice for the two-step loop:
/// step 2 judges the parameters step 1 produced).
/// </summary>
internal static class SemiPushPullSteps
{
    public static IReadOnlyDictionary<string, double> Run(SemiPushPullObjective objective, bool twoStep, Func<SemiPushPullBatch> forward,
        Tensor labels, TrainingStepContext context)
    {
        if (!twoStep)
        {
            using var oneStepScope = NewDisposeScope();
            var output = forward();
            var loss = objective.OneStepLoss(output, labels);
            context.ZeroGrad();
            loss.backward();
            context.Step();
            return new Dictionary<string, double>(StringComparer.Ordinal)
            {
                ["loss"] = Scalars.ToDouble(loss),
                ["ce"] = DetachedCrossEntropy(output.Logits, labels),
            };
        }

        double step1, ce;
        using (var scope = NewDisposeScope())
        {
            var output = forward();
            var loss = objective.Step1Loss(output, labels);
            context.ZeroGrad();
            loss.backward();
            context.Step();
            step1 = Scalars.ToDouble(loss);
            ce = DetachedCrossEntropy(output.Logits, labels);
        }

        var inter = 0.0;
        bool ran;
        using (var scope = NewDisposeScope())
        {
            // Parameters changed in step 1: the condition and L_inter need the model's new outputs.
            var output = forward();
            var check = objective.CheckAlignment(output.AlignedText, output.AlignedImage, labels);
            ran = !check.Skip;
            if (ran)
            {
                var loss = objective.Step2Loss(output, labels);
                context.ZeroGrad();
                loss.backward();
                context.Step();
                inter = Scalars.ToDouble(loss);
            }
        }

        return new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["loss"] = step1 + inter,
            ["step1"] = step1,
            ["ce"] = ce,
            ["inter"] = inter,
            ["step2"] = ran ? 1 : 0,
        };
    }

    private static double DetachedCrossEntropy(Tensor logits, Tensor labels)
    {
        using var noGrad = no_grad();
        return Scalars.ToDouble(nn.functional.cross_entropy(logits.detach().to(ScalarType.Float32), labels));
    }
}
