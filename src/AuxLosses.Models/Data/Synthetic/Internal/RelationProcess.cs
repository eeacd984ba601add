using System;
using System.Collections.Generic;
using System.Linq;

namespace AuxLosses.Models.Internal;

/// <summary>
/// The generator's latent process, shared by sampling and by the exact ceilings so the two cannot drift apart.
/// Forward story: stance (caption 2/3, praise 1/6, complaint 1/6), "picture shows the text's topic" (1/2) and
/// "picture is pleasant" (1/2), independent; the label follows from <see cref="SyntheticPosts.LabelOf"/>. These rates
/// make the three labels exactly equally likely, so drawing the label first (for exact per-split balance) and then a
/// cell given the label reproduces the same joint distribution.
/// </summary>
internal static class RelationProcess
{
    /// <summary>The 12 (stance, on-topic, pleasant) cells with their forward probabilities and labels.</summary>
    public static IReadOnlyList<Cell> Cells { get; } = BuildCells();

    private static readonly Cell[][] CellsByLabel = [.. Enumerable.Range(0, 3).Select(y => Cells.Where(c => c.Label == y).ToArray())];

    private static readonly double[] LabelProbability = [.. Enumerable.Range(0, 3).Select(y => CellsByLabel[y].Sum(c => c.Probability))];

    /// <summary>Draws a cell given its clean label.</summary>
    public static Cell SampleGivenLabel(Random random, int label)
    {
        var cells = CellsByLabel[label];
        var u = random.NextDouble() * LabelProbability[label];
        foreach (var cell in cells)
        {
            u -= cell.Probability;
            if (u < 0)
            {
                return cell;
            }
        }

        return cells[^1];
    }

    /// <summary>Enumerates every latent outcome and returns the Bayes ceilings of each view.</summary>
    public static SyntheticCeilings Ceilings(int topics, double ambiguity, double labelNoise)
    {
        var textKeys = 3 * (topics + 1);
        var imageKeys = 2 * topics;
        var prior = new double[1, 3];
        var text = new double[textKeys, 3];
        var image = new double[imageKeys, 3];
        var joint = new double[textKeys * imageKeys, 3];
        foreach (var cell in Cells)
        {
            // Label-first sampling: uniform label, then the cell in proportion to its forward probability.
            var pCell = cell.Probability / LabelProbability[cell.Label] / 3;
            for (var t = 0; t < topics; t++)
            {
                for (var u = 0; u < topics; u++)
                {
                    var pImageTopic = cell.OnTopic ? (u == t ? 1.0 : 0.0) : (u == t ? 0.0 : 1.0 / (topics - 1));
                    for (var vague = 0; vague < 2; vague++)
                    {
                        var pVague = vague == 1 ? ambiguity : 1 - ambiguity;
                        for (var y = 0; y < 3; y++)
                        {
                            var p = pCell / topics * pImageTopic * pVague * (y == cell.Label ? 1 - labelNoise : labelNoise / 2);
                            if (p == 0)
                            {
                                continue;
                            }

                            var textKey = ((int)cell.Stance * (topics + 1)) + (vague == 1 ? topics : t);
                            var imageKey = (u * 2) + (cell.Pleasant ? 1 : 0);
                            prior[0, y] += p;
                            text[textKey, y] += p;
                            image[imageKey, y] += p;
                            joint[(textKey * imageKeys) + imageKey, y] += p;
                        }
                    }
                }
            }
        }

        return new SyntheticCeilings(Bayes(prior), Bayes(text), Bayes(image), Bayes(joint));
    }

    /// <summary>Accuracy and macro-F1 of "predict the most probable label of each key" (ties: the lowest class id).</summary>
    private static SyntheticCeiling Bayes(double[,] table)
    {
        var confusion = new double[3, 3];
        for (var key = 0; key < table.GetLength(0); key++)
        {
            var best = 0;
            for (var y = 1; y < 3; y++)
            {
                if (table[key, y] > table[key, best] + 1e-15)
                {
                    best = y;
                }
            }

            for (var y = 0; y < 3; y++)
            {
                confusion[y, best] += table[key, y];
            }
        }

        double accuracy = 0, f1 = 0;
        for (var c = 0; c < 3; c++)
        {
            accuracy += confusion[c, c];
            double actual = 0, predicted = 0;
            for (var k = 0; k < 3; k++)
            {
                actual += confusion[c, k];
                predicted += confusion[k, c];
            }

            f1 += actual + predicted > 0 ? 2 * confusion[c, c] / (actual + predicted) : 0;
        }

        return new SyntheticCeiling(accuracy, f1 / 3);
    }

    private static Cell[] BuildCells()
    {
        var cells = new List<Cell>();
        foreach (var (stance, pStance) in new[] { (SyntheticStance.Caption, 2.0 / 3), (SyntheticStance.Praise, 1.0 / 6), (SyntheticStance.Complaint, 1.0 / 6) })
        {
            foreach (var onTopic in new[] { true, false })
            {
                foreach (var pleasant in new[] { true, false })
                {
                    cells.Add(new Cell(stance, onTopic, pleasant, pStance / 4, SyntheticPosts.LabelOf(stance, onTopic, pleasant)));
                }
            }
        }

        return [.. cells];
    }

    internal readonly record struct Cell(SyntheticStance Stance, bool OnTopic, bool Pleasant, double Probability, int Label);
}
