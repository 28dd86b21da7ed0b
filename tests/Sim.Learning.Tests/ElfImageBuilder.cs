using System.Buffers.Binary;
using System.Text;

namespace Sim.Learning.Tests;

/// <summary>Builds minimal ELF64 little-endian images with a .dynstr and a .gnu.version_r section, for testing the version-need patch.</summary>
internal static class ElfImageBuilder
{
    /// <summary>One version asked of a library; Hash defaults to the real ELF hash of Name.</summary>
    internal sealed record Version(string Name, ushort Flags = 0, uint? Hash = null);

    /// <summary>One library with the versions asked of it.</summary>
    internal sealed record Need(string File, params Version[] Versions);

    /// <summary>The image and where each version's vna_flags sits in it, for assertions.</summary>
    internal sealed record Image(byte[] Bytes, IReadOnlyDictionary<string, int> FlagsOffsets);

    private const int HeaderSize = 64;
    private const int SectionHeaderSize = 64;

    public static Image Build(params Need[] needs)
    {
        // .dynstr: a leading NUL, then every file and version name.
        var strings = new MemoryStream();
        strings.WriteByte(0);
        var nameOffsets = new Dictionary<string, int>();
        int AddString(string s)
        {
            if (!nameOffsets.TryGetValue(s, out int at))
            {
                at = (int)strings.Length;
                strings.Write(Encoding.ASCII.GetBytes(s + "\0"));
                nameOffsets[s] = at;
            }
            return at;
        }
        foreach (Need need in needs)
        {
            AddString(need.File);
            foreach (Version v in need.Versions)
            {
                AddString(v.Name);
            }
        }
        byte[] dynstr = strings.ToArray();

        int dynstrOffset = HeaderSize;
        int verneedOffset = Align(dynstrOffset + dynstr.Length, 8);
        int verneedSize = needs.Sum(n => 16 + 16 * n.Versions.Length);
        int sectionHeaders = Align(verneedOffset + verneedSize, 8);
        const int sectionCount = 3;
        var image = new byte[sectionHeaders + sectionCount * SectionHeaderSize];

        // ELF header: magic, ELFCLASS64, ELFDATA2LSB, EV_CURRENT; ET_DYN for x86-64.
        image[0] = 0x7f;
        image[1] = (byte)'E';
        image[2] = (byte)'L';
        image[3] = (byte)'F';
        image[4] = 2;
        image[5] = 1;
        image[6] = 1;
        U16(image, 16, 3);
        U16(image, 18, 62);
        U32(image, 20, 1);
        U64(image, 0x28, (ulong)sectionHeaders);
        U16(image, 0x34, HeaderSize);
        U16(image, 0x3A, SectionHeaderSize);
        U16(image, 0x3C, sectionCount);

        dynstr.CopyTo(image, dynstrOffset);

        var flagsOffsets = new Dictionary<string, int>();
        int at = verneedOffset;
        for (int n = 0; n < needs.Length; n++)
        {
            Need need = needs[n];
            int size = 16 + 16 * need.Versions.Length;
            U16(image, at, 1);
            U16(image, at + 2, (ushort)need.Versions.Length);
            U32(image, at + 4, (uint)nameOffsets[need.File]);
            U32(image, at + 8, 16);
            U32(image, at + 12, n == needs.Length - 1 ? 0u : (uint)size);
            for (int k = 0; k < need.Versions.Length; k++)
            {
                Version v = need.Versions[k];
                int aux = at + 16 + 16 * k;
                U32(image, aux, v.Hash ?? ElfHash(v.Name));
                U16(image, aux + 4, v.Flags);
                U16(image, aux + 6, (ushort)(2 + k));
                U32(image, aux + 8, (uint)nameOffsets[v.Name]);
                U32(image, aux + 12, k == need.Versions.Length - 1 ? 0u : 16u);
                flagsOffsets[v.Name] = aux + 4;
            }
            at += size;
        }

        // Section 0 stays null; 1 is .dynstr (SHT_STRTAB); 2 is .gnu.version_r linked to 1.
        WriteSection(image, sectionHeaders + SectionHeaderSize, type: 3, offset: dynstrOffset, size: dynstr.Length, link: 0, info: 0);
        WriteSection(image, sectionHeaders + 2 * SectionHeaderSize, type: 0x6ffffffe, offset: verneedOffset, size: verneedSize, link: 1, info: (uint)needs.Length);
        return new Image(image, flagsOffsets);
    }

    /// <summary>The System V ELF hash, written out here independently of the code under test.</summary>
    public static uint ElfHash(string name)
    {
        uint h = 0;
        foreach (char c in name)
        {
            h = (h << 4) + c;
            uint high = h & 0xf0000000;
            h = (h ^ (high >> 24)) & ~high;
        }
        return h;
    }

    private static void WriteSection(byte[] image, int at, uint type, int offset, int size, uint link, uint info)
    {
        U32(image, at + 4, type);
        U64(image, at + 24, (ulong)offset);
        U64(image, at + 32, (ulong)size);
        U32(image, at + 40, link);
        U32(image, at + 44, info);
    }

    private static int Align(int value, int alignment) => (value + alignment - 1) / alignment * alignment;

    private static void U16(byte[] image, int at, ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(at), value);

    private static void U32(byte[] image, int at, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(at), value);

    private static void U64(byte[] image, int at, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(image.AsSpan(at), value);
}
