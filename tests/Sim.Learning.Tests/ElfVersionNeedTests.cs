using Sim.Build;

namespace Sim.Learning.Tests;

/// <summary>Tests the .gnu.version_r patch that lets libLibTorchSharp.so load with an older libstdc++.</summary>
public sealed class ElfVersionNeedTests : IDisposable
{
    private const string Target = ElfVersionNeed.GlibcxxVersion;
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static ElfImageBuilder.Image TorchSharpLike(ushort targetFlags = 0) => ElfImageBuilder.Build(
        new ElfImageBuilder.Need("libstdc++.so.6",
            new ElfImageBuilder.Version("GLIBCXX_3.4.30"),
            new ElfImageBuilder.Version(Target, targetFlags),
            new ElfImageBuilder.Version("CXXABI_1.3.9")),
        new ElfImageBuilder.Need("libc.so.6", new ElfImageBuilder.Version("GLIBC_2.34")));

    private string Write(byte[] bytes, string name = "lib.so")
    {
        string path = _temp.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void Hash_constant_is_the_elf_hash_of_the_version_name()
    {
        Assert.Equal(0x0297f842u, ElfImageBuilder.ElfHash("GLIBCXX_3.4.32"));
        Assert.Equal(ElfVersionNeed.GlibcxxVersionHash, ElfImageBuilder.ElfHash(Target));
        Assert.Equal(ElfImageBuilder.ElfHash(Target), ElfVersionNeed.Hash(Target));
        Assert.Equal(ElfImageBuilder.ElfHash("GLIBC_2.34"), ElfVersionNeed.Hash("GLIBC_2.34"));
    }

    [Fact]
    public void MarkWeak_sets_only_the_weak_bit_of_the_target_requirement()
    {
        ElfImageBuilder.Image image = TorchSharpLike(targetFlags: 0x1);
        string path = Write(image.Bytes);

        Assert.Equal(ElfVersionNeed.Outcome.Patched, ElfVersionNeed.MarkWeak(path, Target));

        byte[] after = File.ReadAllBytes(path);
        int at = image.FlagsOffsets[Target];
        byte[] expected = (byte[])image.Bytes.Clone();
        expected[at] = 0x1 | 0x2;
        Assert.Equal(expected, after);
        Assert.Equal((ushort)0x3, ElfVersionNeed.ReadFlags(path, Target));
        Assert.Equal((ushort)0x0, ElfVersionNeed.ReadFlags(path, "GLIBCXX_3.4.30"));
        Assert.Single(Directory.GetFiles(_temp.Path));
    }

    [Fact]
    public void MarkWeak_is_idempotent_and_keeps_the_modification_time()
    {
        string path = Write(TorchSharpLike().Bytes);
        var stamp = new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, stamp);

        Assert.Equal(ElfVersionNeed.Outcome.Patched, ElfVersionNeed.MarkWeak(path, Target));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(path));
        byte[] once = File.ReadAllBytes(path);

        Assert.Equal(ElfVersionNeed.Outcome.AlreadyWeak, ElfVersionNeed.MarkWeak(path, Target));
        Assert.Equal(once, File.ReadAllBytes(path));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(path));
    }

    [Fact]
    public void MarkWeak_replaces_a_link_instead_of_writing_through_it()
    {
        // Output copies may be links into the package cache (CreateSymbolicLinksForCopyLocalIfPossible),
        // and the cache must never change.
        byte[] original = TorchSharpLike().Bytes;
        string cacheFile = Write(original, "cache.so");
        string output = _temp.File("output.so");
        File.CreateSymbolicLink(output, cacheFile);

        Assert.Equal(ElfVersionNeed.Outcome.Patched, ElfVersionNeed.MarkWeak(output, Target));

        Assert.Equal(original, File.ReadAllBytes(cacheFile));
        Assert.Null(new FileInfo(output).LinkTarget);
        Assert.Equal((ushort)0x2, ElfVersionNeed.ReadFlags(output, Target));
    }

    [Fact]
    public void Library_without_the_requirement_is_left_alone()
    {
        byte[] bytes = ElfImageBuilder.Build(new ElfImageBuilder.Need("libc.so.6", new ElfImageBuilder.Version("GLIBC_2.34"))).Bytes;
        string path = Write(bytes);

        Assert.Null(ElfVersionNeed.ReadFlags(path, Target));
        Assert.Equal(ElfVersionNeed.Outcome.NotRequired, ElfVersionNeed.MarkWeak(path, Target));
        Assert.Equal(bytes, File.ReadAllBytes(path));
    }

    [Fact]
    public void Same_hash_with_another_name_is_not_the_target()
    {
        byte[] bytes = ElfImageBuilder.Build(new ElfImageBuilder.Need("libstdc++.so.6",
            new ElfImageBuilder.Version("GLIBCXX_3.4.31", Hash: ElfVersionNeed.GlibcxxVersionHash))).Bytes;
        string path = Write(bytes);

        Assert.Equal(ElfVersionNeed.Outcome.NotRequired, ElfVersionNeed.MarkWeak(path, Target));
        Assert.Equal(bytes, File.ReadAllBytes(path));
    }

    [Fact]
    public void Malformed_files_are_reported_not_patched()
    {
        string text = Write("not a library"u8.ToArray(), "text.so");
        Assert.Throws<InvalidDataException>(() => ElfVersionNeed.MarkWeak(text, Target));

        byte[] truncated = TorchSharpLike().Bytes[..200];
        string cut = Write(truncated, "cut.so");
        Assert.Throws<InvalidDataException>(() => ElfVersionNeed.MarkWeak(cut, Target));
        Assert.Equal(truncated, File.ReadAllBytes(cut));
    }

    [Theory]
    [InlineData("\0GLIBCXX_3.4.30\0GLIBCXX_3.4.32\0CXXABI_1.3.15\0", true)]
    [InlineData("\0GLIBCXX_3.4.30\0CXXABI_1.3.13\0", false)]
    [InlineData("\0GLIBCXX_3.4.320\0XGLIBCXX_3.4.32\0", false)]
    public void Library_version_lookup_matches_whole_names(string content, bool expected)
    {
        string path = Write(System.Text.Encoding.ASCII.GetBytes(content), "libstdc++.so.6");
        Assert.Equal(expected, ElfVersionNeed.LibraryDefinesVersion(path, Target));
    }

    [Fact]
    public void Real_library_copy_can_be_patched()
    {
        string copy = _temp.File("libLibTorchSharp.so");
        File.Copy(OutputNatives.TorchSharpGlue(), copy);
        byte[] bytes = File.ReadAllBytes(copy);
        long at = ElfVersionNeed.FindFlagsOffset(bytes, Target);
        Assert.True(at > 0, "TorchSharp's glue library no longer asks for " + Target + "; the patch may be obsolete");
        bytes[at] &= unchecked((byte)~ElfVersionNeed.WeakFlag);
        File.WriteAllBytes(copy, bytes);

        Assert.Equal(ElfVersionNeed.Outcome.Patched, ElfVersionNeed.MarkWeak(copy, Target));
        Assert.Equal(ElfVersionNeed.WeakFlag, (ushort)(ElfVersionNeed.ReadFlags(copy, Target)!.Value & ElfVersionNeed.WeakFlag));
    }

    [Fact]
    public void Output_library_is_loadable_on_this_host()
    {
        string glue = OutputNatives.TorchSharpGlue();
        ushort? flags = ElfVersionNeed.ReadFlags(glue, Target);
        if (flags is ushort value && ElfVersionNeed.HostLacksVersion(Target))
        {
            Assert.True((value & ElfVersionNeed.WeakFlag) != 0, $"{glue} still needs {Target}, which {ElfVersionNeed.FindHostLibstdcxx()} lacks");
        }
    }
}
