// MSBuild inline task (RoslynCodeTaskFactory): marks chosen ELF version needs of a native library as weak.
//
// TorchSharp 0.107.0's libLibTorchSharp.so was linked against GCC 13's libstdc++ and records a need for
// GLIBCXX_3.4.32, although the only symbol bound to that version (std::ios_base_library_init) has no
// relocations. On hosts whose libstdc++ stops at an older version (Debian 12: 3.4.30) the dynamic loader
// refuses the library. Setting VER_FLG_WEAK on that one Vernaux entry turns the hard failure into
// nothing at all, because no symbol lookup ever uses the version.
//
// Compiled by MSBuild against netstandard2.0, so it sticks to that API surface.
// The task edits the copy in the build output only (written through a temporary file, so a hard link
// into the NuGet cache is never modified) and does nothing when the host already provides the version.
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class WeakenElfVersionNeeds : Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    /// <summary>Native libraries to patch (copies in an output folder).</summary>
    [Required]
    public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>Semicolon-separated version names to weaken, e.g. GLIBCXX_3.4.32.</summary>
    [Required]
    public string Versions { get; set; } = string.Empty;

    /// <summary>Candidate host libstdc++ paths; a version any of them defines is left alone.</summary>
    public string HostLibraries { get; set; } = string.Empty;

    public override bool Execute()
    {
        foreach (var version in Split(Versions))
        {
            if (HostDefines(version))
            {
                Log.LogMessage(MessageImportance.Low, $"Host libstdc++ provides {version}; native shim left unchanged.");
                continue;
            }

            foreach (var item in Files)
            {
                var path = item.ItemSpec;
                try
                {
                    if (Weaken(path, version))
                    {
                        Log.LogMessage(MessageImportance.Normal, $"Marked ELF version need {version} weak in {path}.");
                    }
                }
                catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
                {
                    Log.LogWarning($"Could not relax ELF version need {version} in {path}: {e.Message}");
                }
            }
        }

        return !Log.HasLoggedErrors;
    }

    private bool HostDefines(string version)
    {
        var needle = Encoding.ASCII.GetBytes(version + "\0");
        foreach (var candidate in Split(HostLibraries))
        {
            if (File.Exists(candidate) && Contains(File.ReadAllBytes(candidate), needle))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Sets VER_FLG_WEAK on the Vernaux entry named <paramref name="version"/>; true when the file changed.</summary>
    private static bool Weaken(string path, string version)
    {
        var elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
        {
            throw new InvalidDataException("not an ELF file");
        }

        if (elf[4] != 2 || elf[5] != 1)
        {
            throw new InvalidDataException("only 64-bit little-endian ELF is supported");
        }

        var shoff = checked((int)BitConverter.ToUInt64(elf, 0x28));
        int shentsize = BitConverter.ToUInt16(elf, 0x3A);
        int shnum = BitConverter.ToUInt16(elf, 0x3C);
        var changed = false;
        for (var s = 0; s < shnum; s++)
        {
            var sh = shoff + (s * shentsize);
            if (BitConverter.ToUInt32(elf, sh + 4) != ShtGnuVerneed)
            {
                continue;
            }

            var offset = checked((int)BitConverter.ToUInt64(elf, sh + 0x18));
            var strtab = shoff + ((int)BitConverter.ToUInt32(elf, sh + 0x28) * shentsize);
            var strOffset = checked((int)BitConverter.ToUInt64(elf, strtab + 0x18));
            var needCount = BitConverter.ToUInt32(elf, sh + 0x2C);
            var need = offset;
            for (var n = 0; n < needCount; n++)
            {
                int auxCount = BitConverter.ToUInt16(elf, need + 2);
                var aux = need + (int)BitConverter.ToUInt32(elf, need + 8);
                for (var a = 0; a < auxCount; a++)
                {
                    var name = ReadString(elf, strOffset + (int)BitConverter.ToUInt32(elf, aux + 8));
                    var flags = BitConverter.ToUInt16(elf, aux + 4);
                    if (name == version && (flags & VerFlgWeak) == 0)
                    {
                        Array.Copy(BitConverter.GetBytes((ushort)(flags | VerFlgWeak)), 0, elf, aux + 4, 2);
                        changed = true;
                    }

                    aux += (int)BitConverter.ToUInt32(elf, aux + 12);
                }

                need += (int)BitConverter.ToUInt32(elf, need + 12);
            }
        }

        if (changed)
        {
            // Replace rather than overwrite: the output copy may be a hard link into the package cache.
            var temp = path + ".weak-tmp";
            File.WriteAllBytes(temp, elf);
            File.Delete(path);
            File.Move(temp, path);
        }

        return changed;
    }

    private static string[] Split(string list)
    {
        var parts = list.Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = parts[i].Trim();
        }

        return parts;
    }

    private static bool Contains(byte[] haystack, byte[] needle)
    {
        for (var i = Array.IndexOf(haystack, needle[0]); i >= 0 && i <= haystack.Length - needle.Length; i = Array.IndexOf(haystack, needle[0], i + 1))
        {
            var match = true;
            for (var j = 1; j < needle.Length && match; j++)
            {
                match = haystack[i + j] == needle[j];
            }

            if (match)
            {
                return true;
            }
        }

        return false;
    }

    private static string ReadString(byte[] data, int start)
    {
        var end = Array.IndexOf(data, (byte)0, start);
        return Encoding.ASCII.GetString(data, start, end - start);
    }
}
