#nullable enable
using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

// This file is compiled twice: by build/TorchSharp.targets into a task assembly for MSBuild (against
// netstandard 2.0 with the compiler's default language version, hence the plain C# and no Span), and
// by the test project, which defines SIM_ELF_NO_MSBUILD_TASK because it has no MSBuild assemblies.
namespace Sim.Build
{
    /// <summary>Finds and weakens version requirements (.gnu.version_r) of ELF64 little-endian shared libraries.</summary>
    public static class ElfVersionNeed
    {
        /// <summary>
        /// libLibTorchSharp.so (TorchSharp 0.107.0) asks libstdc++ for this version (GCC 13+), but binds only
        /// std::ios_base_library_init() to it and no relocation uses that symbol, so a weak requirement is
        /// enough for it to load with an older libstdc++ (Debian 12 stops at GLIBCXX_3.4.30).
        /// </summary>
        public const string GlibcxxVersion = "GLIBCXX_3.4.32";

        /// <summary>The ELF hash of <see cref="GlibcxxVersion"/>, as stored in vna_hash.</summary>
        public const uint GlibcxxVersionHash = 0x0297f842;

        /// <summary>VER_FLG_WEAK: the dynamic loader only warns (in debug mode) when a weak version is missing.</summary>
        public const ushort WeakFlag = 0x2;

        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const int VerneedSize = 16;
        private const int VernauxSize = 16;

        /// <summary>What <see cref="MarkWeak"/> found and did.</summary>
        public enum Outcome
        {
            /// <summary>The library does not require the version at all; the file was not touched.</summary>
            NotRequired,
            /// <summary>The requirement was weak already; the file was not touched.</summary>
            AlreadyWeak,
            /// <summary>The requirement was strong and the file was rewritten with it weak.</summary>
            Patched,
        }

        /// <summary>The standard System V ELF hash used for symbol and version names.</summary>
        public static uint Hash(string name)
        {
            uint h = 0;
            foreach (byte c in Encoding.ASCII.GetBytes(name))
            {
                h = (h << 4) + c;
                uint g = h & 0xf0000000;
                if (g != 0)
                {
                    h ^= g >> 24;
                }
                h &= ~g;
            }
            return h;
        }

        /// <summary>
        /// Returns the file offset of vna_flags of the requirement on <paramref name="version"/> (matched by
        /// vna_hash and by its name in the linked string table), or -1 when the image has no such requirement.
        /// Throws <see cref="InvalidDataException"/> when the image is not a well-formed ELF64 little-endian file.
        /// </summary>
        public static long FindFlagsOffset(byte[] image, string version)
        {
            uint hash = Hash(version);
            if (image.Length < 64 || image[0] != 0x7f || image[1] != (byte)'E' || image[2] != (byte)'L' || image[3] != (byte)'F')
            {
                throw new InvalidDataException("not an ELF file");
            }
            if (image[4] != 2 || image[5] != 1)
            {
                throw new InvalidDataException("not a 64-bit little-endian ELF file");
            }

            long shoff = ToOffset(U64(image, 0x28));
            int shentsize = U16(image, 0x3A);
            long shnum = U16(image, 0x3C);
            if (shoff == 0)
            {
                return -1;
            }
            if (shentsize < 64)
            {
                throw new InvalidDataException("section header entries are too small: " + shentsize);
            }
            if (shnum == 0)
            {
                // Extended numbering: with 0xff00 sections or more, the real count lives in section 0's sh_size.
                shnum = ToOffset(U64(image, shoff + 32));
            }

            for (long i = 0; i < shnum; i++)
            {
                long sh = shoff + i * shentsize;
                if (U32(image, sh + 4) != ShtGnuVerneed)
                {
                    continue;
                }
                long start = ToOffset(U64(image, sh + 24));
                long end = start + ToOffset(U64(image, sh + 32));
                uint link = U32(image, sh + 40);
                if (end > image.Length || link >= shnum)
                {
                    throw new InvalidDataException(".gnu.version_r lies outside the file or links to a missing string table");
                }
                long strtab = shoff + link * (long)shentsize;
                long strStart = ToOffset(U64(image, strtab + 24));
                long strEnd = strStart + ToOffset(U64(image, strtab + 32));

                long found = FindInVerneed(image, start, end, strStart, strEnd, version, hash);
                if (found >= 0)
                {
                    return found;
                }
            }
            return -1;
        }

        private static long FindInVerneed(byte[] image, long start, long end, long strStart, long strEnd, string version, uint hash)
        {
            // Each step moves forward by a non-zero amount and must stay inside the section, so corrupt
            // next-offsets cannot loop forever.
            long need = start;
            while (true)
            {
                RequireInside(need, VerneedSize, start, end);
                int count = U16(image, need + 2);
                uint auxOffset = U32(image, need + 8);
                uint nextNeed = U32(image, need + 12);

                long aux = need + auxOffset;
                for (int k = 0; k < count; k++)
                {
                    RequireInside(aux, VernauxSize, start, end);
                    if (U32(image, aux) == hash && ReadString(image, strStart, strEnd, U32(image, aux + 8)) == version)
                    {
                        return aux + 4;
                    }
                    uint nextAux = U32(image, aux + 12);
                    if (nextAux == 0)
                    {
                        break;
                    }
                    aux += nextAux;
                }

                if (nextNeed == 0)
                {
                    return -1;
                }
                need += nextNeed;
            }
        }

        /// <summary>Reads vna_flags of the requirement on <paramref name="version"/>, or null when the library has none.</summary>
        public static ushort? ReadFlags(string path, string version)
        {
            byte[] image = File.ReadAllBytes(path);
            long at = FindFlagsOffset(image, version);
            return at < 0 ? (ushort?)null : U16(image, at);
        }

        /// <summary>
        /// Makes the requirement on <paramref name="version"/> weak. The new file replaces the old one by a
        /// rename, so a reader never sees half a file and a hard link (e.g. into a package cache) is never
        /// written through. The modification time is kept, so that incremental copies (size + time) see the
        /// file as up to date and do not put the unpatched original back on every build.
        /// </summary>
        public static Outcome MarkWeak(string path, string version)
        {
            byte[] image = File.ReadAllBytes(path);
            long at = FindFlagsOffset(image, version);
            if (at < 0)
            {
                return Outcome.NotRequired;
            }
            ushort flags = U16(image, at);
            if ((flags & WeakFlag) != 0)
            {
                return Outcome.AlreadyWeak;
            }
            flags |= WeakFlag;
            byte[] patched = { (byte)flags, (byte)(flags >> 8) };

            string full = Path.GetFullPath(path);
            string dir = Path.GetDirectoryName(full) ?? ".";
            string temp = Path.Combine(dir, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N") + ".tmp");
            DateTime modified = File.GetLastWriteTimeUtc(full);
            try
            {
                // Copying first keeps the original's permission bits, which writing a new file would not.
                File.Copy(full, temp);
                using (FileStream stream = new FileStream(temp, FileMode.Open, FileAccess.Write))
                {
                    stream.Position = at;
                    stream.Write(patched, 0, patched.Length);
                }
                File.SetLastWriteTimeUtc(temp, modified);
                File.Replace(temp, full, null);
            }
            catch
            {
                try
                {
                    File.Delete(temp);
                }
                catch (IOException)
                {
                }
                throw;
            }
            return Outcome.Patched;
        }

        /// <summary>True when the file contains <paramref name="version"/> as a NUL-terminated string (how libraries list the versions they define).</summary>
        public static bool LibraryDefinesVersion(string libraryPath, string version)
        {
            byte[] image = File.ReadAllBytes(libraryPath);
            byte[] needle = Encoding.ASCII.GetBytes(version + "\0");
            int at = 0;
            while ((at = Array.IndexOf(image, needle[0], at)) >= 0 && at + needle.Length <= image.Length)
            {
                int k = 1;
                while (k < needle.Length && image[at + k] == needle[k])
                {
                    k++;
                }
                if (k == needle.Length && (at == 0 || image[at - 1] == 0))
                {
                    return true;
                }
                at++;
            }
            return false;
        }

        /// <summary>
        /// Finds the libstdc++.so.6 the dynamic loader would use on this machine: first from the loader cache
        /// (ldconfig -p, which also covers extra directories from ld.so.conf), then in the standard library
        /// directories. Returns null when none is found.
        /// </summary>
        public static string? FindHostLibstdcxx()
        {
            string? fromCache = FromLoaderCache();
            if (fromCache != null)
            {
                return fromCache;
            }
            string triplet = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
            string[] dirs = { "/usr/lib/" + triplet, "/lib/" + triplet, "/usr/lib64", "/lib64", "/usr/lib", "/lib" };
            foreach (string dir in dirs)
            {
                string candidate = Path.Combine(dir, "libstdc++.so.6");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
            return null;
        }

        /// <summary>
        /// True when this machine's libstdc++ lacks <paramref name="version"/>. Also true when no libstdc++ is
        /// found: a weak requirement is harmless where the version exists, so doubt means weaken.
        /// </summary>
        public static bool HostLacksVersion(string version)
        {
            string? library = FindHostLibstdcxx();
            return library == null || !LibraryDefinesVersion(library, version);
        }

        private static string? FromLoaderCache()
        {
            string archTag = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "AArch64" : "x86-64";
            foreach (string ldconfig in new[] { "/sbin/ldconfig", "/usr/sbin/ldconfig" })
            {
                if (!File.Exists(ldconfig))
                {
                    continue;
                }
                string output;
                try
                {
                    ProcessStartInfo start = new ProcessStartInfo(ldconfig, "-p")
                    {
                        RedirectStandardOutput = true,
                        UseShellExecute = false,
                        CreateNoWindow = true,
                    };
                    using (Process? process = Process.Start(start))
                    {
                        if (process == null)
                        {
                            continue;
                        }
                        output = process.StandardOutput.ReadToEnd();
                        process.WaitForExit();
                    }
                }
                catch (Exception e) when (e is IOException || e is System.ComponentModel.Win32Exception || e is InvalidOperationException)
                {
                    continue;
                }

                // Lines look like: "\tlibstdc++.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libstdc++.so.6"
                foreach (string line in output.Split('\n'))
                {
                    string trimmed = line.Trim();
                    int arrow = trimmed.IndexOf("=>", StringComparison.Ordinal);
                    if (!trimmed.StartsWith("libstdc++.so.6 ", StringComparison.Ordinal) || arrow < 0 || trimmed.IndexOf(archTag, StringComparison.Ordinal) < 0)
                    {
                        continue;
                    }
                    string path = trimmed.Substring(arrow + 2).Trim();
                    if (File.Exists(path))
                    {
                        return path;
                    }
                }
            }
            return null;
        }

        private static string ReadString(byte[] image, long strStart, long strEnd, uint offset)
        {
            long at = strStart + offset;
            if (strEnd > image.Length || at >= strEnd)
            {
                throw new InvalidDataException("version name lies outside its string table");
            }
            long stop = at;
            while (stop < strEnd && image[stop] != 0)
            {
                stop++;
            }
            return Encoding.ASCII.GetString(image, (int)at, (int)(stop - at));
        }

        private static void RequireInside(long at, int size, long start, long end)
        {
            if (at < start || at + size > end)
            {
                throw new InvalidDataException(".gnu.version_r entry at " + at + " runs outside its section");
            }
        }

        private static long ToOffset(ulong value)
        {
            if (value > int.MaxValue)
            {
                throw new InvalidDataException("offset or size too large: " + value);
            }
            return (long)value;
        }

        private static void Require(byte[] image, long at, int size)
        {
            if (at < 0 || at + size > image.Length)
            {
                throw new InvalidDataException("read of " + size + " bytes at " + at + " runs past the end of the file");
            }
        }

        private static ushort U16(byte[] image, long at)
        {
            Require(image, at, 2);
            return (ushort)(image[at] | image[at + 1] << 8);
        }

        private static uint U32(byte[] image, long at)
        {
            Require(image, at, 4);
            return image[at] | (uint)image[at + 1] << 8 | (uint)image[at + 2] << 16 | (uint)image[at + 3] << 24;
        }

        private static ulong U64(byte[] image, long at)
        {
            Require(image, at, 8);
            return U32(image, at) | (ulong)U32(image, at + 4) << 32;
        }
    }

#if !SIM_ELF_NO_MSBUILD_TASK
    /// <summary>MSBuild task that weakens the GLIBCXX_3.4.32 requirement of copied libLibTorchSharp.so files when this machine's libstdc++ lacks that version.</summary>
    public sealed class WeakenGlibcxxVersionNeed : Microsoft.Build.Utilities.Task
    {
        /// <summary>The library copies to fix, in build or publish output (never package caches).</summary>
        [Microsoft.Build.Framework.Required]
        public Microsoft.Build.Framework.ITaskItem[] Libraries { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

        /// <summary>auto: only when this machine's libstdc++ lacks the version; always; never.</summary>
        public string Mode { get; set; } = "auto";

        /// <inheritdoc />
        public override bool Execute()
        {
            string mode = Mode.Trim().ToLowerInvariant();
            if (mode == "never" || Libraries.Length == 0)
            {
                return true;
            }
            if (mode != "auto" && mode != "always")
            {
                Log.LogError("TorchSharpWeakGlibcxx='{0}' is not supported; use auto, always or never.", Mode);
                return false;
            }
            if (mode == "auto")
            {
                // A library built for Linux is only loaded here when this is Linux; elsewhere nothing can be known.
                if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
                {
                    return true;
                }
                string? host = ElfVersionNeed.FindHostLibstdcxx();
                if (host != null && ElfVersionNeed.LibraryDefinesVersion(host, ElfVersionNeed.GlibcxxVersion))
                {
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, "{0} defines {1}; libLibTorchSharp.so needs no change.", host, ElfVersionNeed.GlibcxxVersion);
                    return true;
                }
            }

            foreach (Microsoft.Build.Framework.ITaskItem item in Libraries)
            {
                string path = item.GetMetadata("FullPath");
                try
                {
                    ElfVersionNeed.Outcome outcome = ElfVersionNeed.MarkWeak(path, ElfVersionNeed.GlibcxxVersion);
                    Microsoft.Build.Framework.MessageImportance importance = outcome == ElfVersionNeed.Outcome.Patched
                        ? Microsoft.Build.Framework.MessageImportance.Normal
                        : Microsoft.Build.Framework.MessageImportance.Low;
                    Log.LogMessage(importance, "{0}: {1} requirement {2}.", path, ElfVersionNeed.GlibcxxVersion,
                        outcome == ElfVersionNeed.Outcome.Patched ? "marked weak" : outcome == ElfVersionNeed.Outcome.AlreadyWeak ? "already weak" : "not present");
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    Log.LogError("Could not make the {0} requirement of {1} weak: {2}", ElfVersionNeed.GlibcxxVersion, path, e.Message);
                }
            }
            return !Log.HasLoggedErrors;
        }
    }
#endif
}
