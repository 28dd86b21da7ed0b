using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using Sim.Alignment.Tokenization;
using Sim.Foundation;
using TorchSharp;
using static TorchSharp.torch;

namespace Sim.Alignment.Model;

/// <summary>The on-disk form of a <see cref="CausalTransformer"/>: its config, the identity of the tokenizer it was trained
/// with, and its weights, closed by a checksum.</summary>
/// <remarks>
/// <para>Layout, little-endian: magic <c>"SIMLM\0\0\0"</c>; u32 version; i32 byte count and UTF-8 JSON of
/// <see cref="LanguageModelHeader"/>; the module's state dict as TorchSharp writes it; u32 CRC-32 of everything before.
/// Written atomically; read in full and checked before any field is trusted.</para>
/// <para>Token ids mean nothing without their tokenizer, so the file records the tokenizer's identity and
/// <see cref="Load"/> refuses a tokenizer of another identity (from another run) instead of producing gibberish.</para>
/// </remarks>
public static class LanguageModelFile
{
    /// <summary>The format version this build writes and reads.</summary>
    public const uint Version = 1;

    private static ReadOnlySpan<byte> Magic => "SIMLM\0\0\0"u8;

    /// <summary>Writes <paramref name="model"/>, trained with <paramref name="tokenizer"/>, to <paramref name="path"/> atomically.</summary>
    public static void Save(string path, CausalTransformer model, BpeTokenizer tokenizer)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (tokenizer.VocabularySize != model.Config.VocabularySize)
            throw new ArgumentException($"the tokenizer has {tokenizer.VocabularySize} ids but the model {model.Config.VocabularySize}: expected the tokenizer the model was built for", nameof(tokenizer));
        var json = JsonSerializer.SerializeToUtf8Bytes(new LanguageModelHeader(model.Config, tokenizer.Identity));
        var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(Version);
            writer.Write(json.Length);
            writer.Write(json);
            model.save(writer);
            writer.Flush();
            writer.Write(Crc32.HashToUInt32(stream.GetBuffer().AsSpan(0, (int)stream.Length)));
        }
        AtomicFile.WriteAllBytes(path, stream.ToArray());
    }

    /// <summary>Reads only the header of the model file at <paramref name="path"/> (after checking the whole file).</summary>
    public static LanguageModelHeader ReadHeader(string path) => Read(path).Header;

    /// <summary>Loads the model at <paramref name="path"/> onto <paramref name="device"/> (the CPU by default), checking
    /// that <paramref name="tokenizer"/> is the one it was trained with.</summary>
    /// <exception cref="InvalidDataException">Naming the file: missing, damaged, of another version, or trained with another tokenizer.</exception>
    public static CausalTransformer Load(string path, BpeTokenizer tokenizer, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        var (full, header, bytes, weightsStart) = Read(path);
        if (header.TokenizerIdentity != tokenizer.Identity)
            throw new InvalidDataException(
                $"model file '{full}' was trained with tokenizer {header.TokenizerIdentity}, but the tokenizer given is {tokenizer.Identity}: use the tokenizer.json saved with this model, not another run's");
        CausalTransformer? model = null;
        try
        {
            using var generator = new Generator(0, CPU);
            model = new CausalTransformer(header.Config, generator);
            using var reader = new BinaryReader(new MemoryStream(bytes, weightsStart, bytes.Length - weightsStart - 4, writable: false));
            model.load(reader, strict: true);
            if (reader.BaseStream.Position != reader.BaseStream.Length)
                throw new InvalidDataException($"model file '{full}' has {reader.BaseStream.Length - reader.BaseStream.Position} bytes after its weights: it does not match its own config");
            if (device is not null) model.to(device);
            return model;
        }
        catch (Exception e) when (e is ArgumentException or EndOfStreamException or FormatException)
        {
            model?.Dispose();
            throw new InvalidDataException($"model file '{full}' does not match its own config: {e.Message}", e);
        }
        catch
        {
            model?.Dispose();
            throw;
        }
    }

    private static (string Path, LanguageModelHeader Header, byte[] Bytes, int WeightsStart) Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"model file '{full}' does not exist", full);
        var bytes = File.ReadAllBytes(full);
        if (bytes.Length < Magic.Length + 12 || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new InvalidDataException($"model file '{full}' is not a Sim language model (no SIMLM header)");
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4));
        if (crc != Crc32.HashToUInt32(bytes.AsSpan(0, bytes.Length - 4)))
            throw new InvalidDataException($"model file '{full}' is damaged: its checksum does not match its contents");
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        if (version != Version) throw new InvalidDataException($"model file '{full}' has version {version}: this build reads version {Version}");
        int jsonLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12));
        if (jsonLength < 2 || 16 + jsonLength > bytes.Length - 4)
            throw new InvalidDataException($"model file '{full}' has a header length of {jsonLength} bytes that does not fit the file");
        LanguageModelHeader? header;
        try
        {
            header = JsonSerializer.Deserialize<LanguageModelHeader>(bytes.AsSpan(16, jsonLength));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"model file '{full}' has a header that is not valid JSON: {e.Message}", e);
        }
        if (header?.Config is null || string.IsNullOrEmpty(header.TokenizerIdentity))
            throw new InvalidDataException($"model file '{full}' has a header without its config or tokenizer identity");
        try
        {
            header.Config.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new InvalidDataException($"model file '{full}' has an invalid config: {e.Message}", e);
        }
        return (full, header, bytes, 16 + jsonLength);
    }
}
