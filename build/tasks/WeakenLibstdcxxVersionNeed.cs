// Compiled by MSBuild's RoslynCodeTaskFactory (see build/TorchBackend.targets).
//
// TorchSharp 0.107.0's libLibTorchSharp.so was linked against GCC 13's libstdc++ and so
// records a need for version GLIBCXX_3.4.32. The only symbol bound to that version is
// std::ios_base_library_init(), a link-time marker that is never called. GCC 12's
// libstdc++ (Debian 12, Ubuntu 22.04) lacks that version, and the dynamic loader refuses
// the whole library. Marking that one version need weak (VER_FLG_WEAK) turns the refusal
// into nothing: the loader accepts a missing weak version, and the marker is never bound.
//
// The task patches the copy in the build output only, never the NuGet cache, and only
// when the libstdc++ this machine's .NET loads really lacks the version.
//
// RoslynCodeTaskFactory compiles this against netstandard2.0, hence the plain loops.
#nullable enable
using System;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class WeakenLibstdcxxVersionNeed : Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    /// <summary>The shared library to patch in place (a copy in the build output).</summary>
    [Required]
    public string Library { get; set; } = "";

    /// <summary>The version need to weaken, e.g. GLIBCXX_3.4.32.</summary>
    [Required]
    public string Version { get; set; } = "";

    /// <summary>True when the library was changed by this call.</summary>
    [Output]
    public bool Patched { get; set; }

    public override bool Execute()
    {
        string? libstdcxx = FindLoadedLibstdcxx();
        if (libstdcxx is null)
        {
            Log.LogMessage(MessageImportance.Low, "libstdc++ not found; leaving {0} as it is.", Library);
            return true;
        }
        if (FileContains(libstdcxx, Encoding.ASCII.GetBytes(Version + "\0")))
        {
            Log.LogMessage(MessageImportance.Low, "{0} provides {1}; no patch needed.", libstdcxx, Version);
            return true;
        }
        if (!File.Exists(Library))
        {
            Log.LogError("Cannot patch {0}: file not found.", Library);
            return false;
        }
        try
        {
            Patched = MarkVersionNeedWeak(Library, Version);
            Log.LogMessage(MessageImportance.High,
                "{0} lacks {1}: marked that version need weak in {2}{3}.",
                libstdcxx, Version, Library, Patched ? "" : " (already weak)");
            return true;
        }
        catch (InvalidDataException ex)
        {
            Log.LogError("Cannot patch {0}: {1}", Library, ex.Message);
            return false;
        }
    }

    // The libstdc++ mapped into this (MSBuild/.NET) process is the one a .NET program on
    // this machine will load, so it is the one that decides.
    private static string? FindLoadedLibstdcxx()
    {
        try
        {
            string? mapped = File.ReadLines("/proc/self/maps")
                .Select(line => line.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries))
                .Where(parts => parts.Length >= 6 && Path.GetFileName(parts[5]).StartsWith("libstdc++.so", StringComparison.Ordinal))
                .Select(parts => parts[5])
                .FirstOrDefault();
            if (mapped is not null)
            {
                return mapped;
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        string[] candidates =
        {
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/usr/lib64/libstdc++.so.6",
            "/usr/lib/libstdc++.so.6",
            "/lib/x86_64-linux-gnu/libstdc++.so.6",
        };
        return candidates.FirstOrDefault(File.Exists);
    }

    private static bool FileContains(string path, byte[] needle)
    {
        byte[] data = File.ReadAllBytes(path);
        for (int i = 0; i + needle.Length <= data.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && data[i + j] == needle[j])
            {
                j++;
            }
            if (j == needle.Length)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Sets VER_FLG_WEAK on the named entry of .gnu.version_r; false if already weak.</summary>
    private static bool MarkVersionNeedWeak(string path, string version)
    {
        byte[] elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
        {
            throw new InvalidDataException("not an ELF file");
        }
        if (elf[4] != 2 || elf[5] != 1)
        {
            throw new InvalidDataException("only 64-bit little-endian ELF is supported");
        }

        ulong sectionTable = BitConverter.ToUInt64(elf, 0x28);
        int sectionSize = BitConverter.ToUInt16(elf, 0x3A);
        int sectionCount = BitConverter.ToUInt16(elf, 0x3C);

        for (int i = 0; i < sectionCount; i++)
        {
            int header = checked((int)sectionTable + i * sectionSize);
            if (BitConverter.ToUInt32(elf, header + 4) != ShtGnuVerneed)
            {
                continue;
            }
            int offset = checked((int)BitConverter.ToUInt64(elf, header + 0x18));
            int linkedStrings = (int)BitConverter.ToUInt32(elf, header + 0x28);
            int strings = checked((int)BitConverter.ToUInt64(elf, checked((int)sectionTable + linkedStrings * sectionSize) + 0x18));

            int need = offset;
            while (true)
            {
                int auxCount = BitConverter.ToUInt16(elf, need + 2);
                int aux = need + (int)BitConverter.ToUInt32(elf, need + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    int name = strings + (int)BitConverter.ToUInt32(elf, aux + 8);
                    if (ReadCString(elf, name) == version)
                    {
                        ushort flags = BitConverter.ToUInt16(elf, aux + 4);
                        if ((flags & VerFlgWeak) != 0)
                        {
                            return false;
                        }
                        BitConverter.GetBytes((ushort)(flags | VerFlgWeak)).CopyTo(elf, aux + 4);
                        string temporary = path + ".patching";
                        File.WriteAllBytes(temporary, elf);
                        File.Copy(temporary, path, overwrite: true);
                        File.Delete(temporary);
                        return true;
                    }
                    aux += (int)BitConverter.ToUInt32(elf, aux + 12);
                }
                uint next = BitConverter.ToUInt32(elf, need + 12);
                if (next == 0)
                {
                    break;
                }
                need += (int)next;
            }
        }
        throw new InvalidDataException($"no version need {version} in .gnu.version_r");
    }

    private static string ReadCString(byte[] data, int start)
    {
        int end = Array.IndexOf(data, (byte)0, start);
        return Encoding.ASCII.GetString(data, start, end - start);
    }
}
