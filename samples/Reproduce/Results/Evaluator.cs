using System;
using System.Collections.Generic;
using AuxLosses.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace AuxLosses.Reproduce.Results;

/// <summary>
/// MMLate_Model.eval: logits in eval mode under no_grad, argmax predictions, and the loss as the mean over batches of the
/// class-weighted cross-entropy (the repo adds the auxiliary terms too; they are left out here because its ITM term
/// draws random negatives at evaluation).
/// </summary>
internal static class Evaluator
{
    public static EvaluationOutcome Evaluate(ITrainingModel<PostBatch> model, IBatchSource<PostBatch> source, Device device, double[]? classWeights)
    {
        var module = model.Module;
        var wasTraining = module.training;
        module.eval();
        try
        {
            using var noGrad = no_grad();
            using var weights = classWeights is null ? null : tensor(classWeights, dtype: ScalarType.Float32, device: device);
            var accumulator = new MetricAccumulator(model.NumClasses);
            var predictions = new List<(string, int, int)>();
            var lossSum = 0.0;
            var batches = 0;
            foreach (var batch in source.GetBatches(0))
            {
                using (batch)
                using (var scope = NewDisposeScope())
                {
                    var onDevice = model.ToDevice(batch, device);
                    try
                    {
                        var logits = model.Predict(onDevice).to(ScalarType.Float32);
                        var labels = model.Labels(onDevice);
                        accumulator.Add(logits, labels);
                        lossSum += nn.functional.cross_entropy(logits, labels, weights).ToDouble();
                        batches++;
                        var predicted = logits.argmax(1).cpu().data<long>().ToArray();
                        var targets = labels.cpu().data<long>().ToArray();
                        for (var i = 0; i < predicted.Length; i++)
                        {
                            predictions.Add((batch.Ids[i], (int)targets[i], (int)predicted[i]));
                        }
                    }
                    finally
                    {
                        if (!ReferenceEquals(onDevice, batch))
                        {
                            onDevice.Dispose();
                        }
                    }
                }
            }

            return batches == 0
                ? throw new InvalidOperationException("The evaluation split yielded no batch.")
                : new EvaluationOutcome(accumulator.Compute(), lossSum / batches, predictions);
        }
        finally
        {
            module.train(wasTraining);
        }
    }
}
