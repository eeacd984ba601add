using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using AuxLosses.Models;
using AuxLosses.Reproduce.Cli;
using AuxLosses.Reproduce.Tasks;

namespace AuxLosses.Reproduce.Building;

/// <summary>
/// Reads a task's posts in the chosen --format and splits them as prepare_data does: the --testing sample of 200 rows
/// first, then train/val/test by the split column (or file), then --nsamples training rows.
/// </summary>
internal static class DataBuilder
{
    /// <summary>The --testing sample size (prepare_data's data.sample(200)).</summary>
    public const int TestingRows = 200;

    private const int ListedMissingImages = 10;

    /// <exception cref="MissingInputsException">A data file, or an image under --missing-images fail, is missing.</exception>
    public static RunData Build(ReproduceOptions options, TaskSpec task)
    {
        var (posts, imageRoot, imageFormat, source) = options.Format switch
        {
            DataFormat.Clmlf => ReadSplitFiles(options, task, ["train.json"], ["dev.json", "valid.json", "val.json"], ["test.json"], PostReaders.ReadClmlfJson),
            DataFormat.HfmRaw => ReadSplitFiles(options, task, ["train.txt"], ["valid2.txt", "valid.txt"], ["test2.txt", "test.txt"], PostReaders.ReadHfmRaw),
            DataFormat.Tir => ReadCsv(options, task, "textimage-data.csv", options.ImageDir ?? Path.Combine(options.DataDir, "text-image"), "T{0}.jpg", "tweet_id", raw: true),
            _ => ReadCsv(options, task, task.DataFile, options.DataDir, task.ImageFormat, task.IdColumn, raw: false),
        };

        var excluded = ExcludedIds(options, task);
        posts = posts.Where(p => !excluded.Contains(p.Id)).ToList();
        var (kept, missing) = ApplyImagePolicy(posts, options.MissingImages, imageRoot, imageFormat);
        if (options.Testing)
        {
            kept = Sample(kept, TestingRows, options.Seed);
        }

        var train = kept.Where(p => p.Split == "train").ToList();
        var validation = kept.Where(p => p.Split is "val" or "dev" or "valid").ToList();
        var test = kept.Where(p => p.Split == "test").ToList();
        if (options.NSamples > 0)
        {
            train = Sample(train, options.NSamples, options.Seed);
        }

        foreach (var (name, split) in new[] { ("train", train), ("val", validation), ("test", test) })
        {
            if (split.Count == 0)
            {
                throw new MissingInputsException($"No '{name}' rows in {source}" + (options.Testing ? $" (after the --testing sample of {TestingRows})" : ""), [source]);
            }
        }

        return new RunData(train, validation, test, missing, source);
    }

    private static (List<SocialMediaPost> Posts, string ImageRoot, string ImageFormat, string Source) ReadCsv(
        ReproduceOptions options, TaskSpec task, string fileName, string imageRoot, string imageFormat, string idColumn, bool raw)
    {
        var path = Path.Combine(options.DataDir, fileName);
        RequireFiles([path], imageRoot, imageFormat, options.MissingImages, $"Could not find the data of task {task.Id} ({task.Name})");
        // Images are resolved afterwards (ApplyImagePolicy), so ids the task excludes never count as missing.
        PostDataset Read(string label) => PostReaders.ReadDataKeyCsv(path, new PostReaderOptions
        {
            IdColumn = idColumn,
            LabelColumn = label,
            NumClasses = task.LabelColumns.Count > 1 ? 0 : task.NumClasses,
            MergeExtraFieldsIntoText = raw,
        });

        var posts = Read(task.LabelColumns[0]).Posts.ToList();
        if (task.LabelColumns.Count > 1)
        {
            // TIR: the class is the argmax of the indicator columns (np.argmax: the first maximum wins).
            var columns = task.LabelColumns.Select(c => Read(c).Posts).ToArray();
            posts = posts.Select((p, i) =>
            {
                var best = 0;
                for (var k = 1; k < columns.Length; k++)
                {
                    if (columns[k][i].Label > columns[best][i].Label)
                    {
                        best = k;
                    }
                }

                return p with { Label = best };
            }).ToList();
        }

        if (raw && posts.Any(p => p.Split is null))
        {
            posts = AssignSplits(posts, options.Seed);
        }

        return (posts, imageRoot, imageFormat, path);
    }

    private static (List<SocialMediaPost> Posts, string ImageRoot, string ImageFormat, string Source) ReadSplitFiles(
        ReproduceOptions options, TaskSpec task, string[] train, string[] validation, string[] test,
        Func<string, PostReaderOptions?, string?, PostDataset> read)
    {
        var imageRoot = options.ImageDir ?? Path.Combine(options.DataDir, "dataset_image");
        (string Split, string[] Names)[] candidates = [("train", train), ("val", validation), ("test", test)];
        var found = candidates.Select(c => (c.Split, Path: c.Names.Select(n => Path.Combine(options.DataDir, n)).FirstOrDefault(File.Exists))).ToArray();
        var lookedFor = candidates.SelectMany(c => c.Names.Select(n => Path.Combine(options.DataDir, n))).ToList();
        if (found.Any(f => f.Path is null))
        {
            var missingSplits = string.Join(", ", found.Where(f => f.Path is null).Select(f => f.Split));
            throw new MissingInputsException($"Could not find the {CliParser.FormatName(options.Format)} {missingSplits} file(s) of task {task.Id} ({task.Name})",
                lookedFor.Where(p => !File.Exists(p)).Concat(ImageRootIfMissing(imageRoot, options.MissingImages)).ToList());
        }

        RequireFiles([], imageRoot, "{0}.jpg", options.MissingImages, $"Could not find the images of task {task.Id} ({task.Name})");
        var options2 = new PostReaderOptions { NumClasses = task.NumClasses };
        var posts = found.SelectMany(f => read(f.Path!, options2, f.Split).Posts).ToList();
        return (posts, imageRoot, "{0}.jpg", string.Join(", ", found.Select(f => f.Path)));
    }

    private static void RequireFiles(string[] files, string imageRoot, string imageFormat, string policy, string what)
    {
        var missing = files.Where(f => !File.Exists(f)).ToList();
        // The image folder itself (e.g. MVSA-Single/data) must exist unless posts may go without images.
        var imageFolder = Path.GetDirectoryName(Path.Combine(imageRoot, string.Format(CultureInfo.InvariantCulture, imageFormat, "x")))!;
        missing.AddRange(ImageRootIfMissing(imageFolder, policy));
        if (missing.Count > 0)
        {
            throw new MissingInputsException(what, missing,
                policy == "fail" && !Directory.Exists(imageFolder) ? "Use --missing-images text-only to train without images." : null);
        }
    }

    private static IEnumerable<string> ImageRootIfMissing(string folder, string policy) =>
        policy == "fail" && !Directory.Exists(folder) ? [folder + Path.DirectorySeparatorChar] : [];

    private static HashSet<string> ExcludedIds(ReproduceOptions options, TaskSpec task)
    {
        var ids = new HashSet<string>(task.ExcludedIds, StringComparer.Ordinal);
        var failed = Path.Combine(options.DataDir, "failed_ids.txt");
        if (task.UsesFailedIdsFile && File.Exists(failed))
        {
            ids.UnionWith(File.ReadLines(failed).Select(l => l.Trim()).Where(l => l.Length > 0));
        }

        return ids;
    }

    private static (List<SocialMediaPost> Kept, int Missing) ApplyImagePolicy(List<SocialMediaPost> posts, string policy, string imageRoot, string imageFormat)
    {
        var kept = new List<SocialMediaPost>(posts.Count);
        var missing = new List<string>();
        foreach (var post in posts)
        {
            var jpg = Path.Combine(imageRoot, string.Format(CultureInfo.InvariantCulture, imageFormat, post.Id));
            var png = Path.ChangeExtension(jpg, ".png");
            var image = File.Exists(jpg) ? jpg : File.Exists(png) ? png : null;
            if (image is null)
            {
                missing.Add(jpg);
                if (policy == "skip")
                {
                    continue;
                }
            }

            kept.Add(post with { ImagePath = image });
        }

        if (missing.Count > 0 && policy == "fail")
        {
            var listed = missing.Take(ListedMissingImages).ToList();
            if (missing.Count > listed.Count)
            {
                listed.Add($"... and {missing.Count - listed.Count} more");
            }

            throw new MissingInputsException($"{missing.Count} of {posts.Count} posts have no image file", listed,
                "Use --missing-images skip to drop them or text-only to keep them without an image.");
        }

        return (kept, missing.Count);
    }

    /// <summary>A seeded sample of <paramref name="count"/> posts (all when fewer), in file order.</summary>
    internal static List<SocialMediaPost> Sample(List<SocialMediaPost> posts, int count, int seed)
    {
        if (posts.Count <= count)
        {
            return posts;
        }

        var random = new Random(seed);
        var indices = Enumerable.Range(0, posts.Count).ToArray();
        random.Shuffle(indices);
        return indices.Take(count).Order().Select(i => posts[i]).ToList();
    }

    /// <summary>An 80/10/10 train/val/test split (seeded) for a raw file without a split column.</summary>
    private static List<SocialMediaPost> AssignSplits(List<SocialMediaPost> posts, int seed)
    {
        var order = Enumerable.Range(0, posts.Count).ToArray();
        new Random(seed).Shuffle(order);
        var split = new string[posts.Count];
        for (var r = 0; r < order.Length; r++)
        {
            split[order[r]] = r < order.Length * 8 / 10 ? "train" : r < order.Length * 9 / 10 ? "val" : "test";
        }

        return posts.Select((p, i) => p.Split is null ? p with { Split = split[i] } : p).ToList();
    }
}
