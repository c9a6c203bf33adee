using System.Security.Cryptography;
using System.Text;

namespace Logistics.SharedKernel;

/// <summary>
/// Stable names made from business keys (SHA-256 of the parts joined by newlines): the same request, event or
/// count line always gives the same id or idempotency key, so a retry or redelivery is recognised.
/// </summary>
public static class Fingerprint
{
    public static string Hex(params string[] parts) => Convert.ToHexStringLower(Hash(parts));

    public static Guid Guid(params string[] parts) => new(Hash(parts).AsSpan(0, 16));

    private static byte[] Hash(string[] parts) => SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', parts)));
}
