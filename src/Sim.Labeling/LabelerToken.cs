using System.Security.Cryptography;
using System.Text;

namespace Sim.Labeling;

/// <summary>Labeler tokens: 256 random bits shown once, stored only as their SHA-256.</summary>
/// <remarks>A token carries its full entropy, so a fast hash is enough: there is nothing to guess that a slow one would
/// protect, and every request is checked against it.</remarks>
public static class LabelerToken
{
    /// <summary>A new token, 43 URL-safe characters.</summary>
    public static string Create() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The stored form of <paramref name="token"/>.</summary>
    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>Whether <paramref name="token"/> has the shape <see cref="Create"/> gives (checked before any lookup).</summary>
    public static bool IsWellFormed(string? token) =>
        token is { Length: 43 } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
