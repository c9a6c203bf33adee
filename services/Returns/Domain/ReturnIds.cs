using System.Text.RegularExpressions;
using Logistics.SharedKernel;

namespace Logistics.Returns.Domain;

/// <summary>
/// Return ids are made from what opened the return, so a redelivered (or republished) event names the same return and
/// cannot open a second one: "RT-" + the first 16 hex characters of SHA-256(request id) for a swap, of SHA-256(claim id)
/// for a DOA dead unit.
/// </summary>
public static class ReturnIds
{
    public static string ForSwap(string requestId) => "RT-" + Fingerprint.Hex(requestId)[..16];

    public static string ForDeadUnit(string doaClaimId) => "RT-" + Fingerprint.Hex(doaClaimId)[..16];
}

/// <summary>Serial numbers: letters, digits, '-' and '_', at most 64 characters (as requests checks them).</summary>
public static partial class Serials
{
    public static string Check(string? serial, string field)
    {
        if (string.IsNullOrWhiteSpace(serial)) throw new InvalidFieldException(field, "a serial is required");
        var text = serial.Trim();
        if (!Pattern().IsMatch(text))
            throw new InvalidFieldException(field, $"'{text}' is not a serial (letters, digits, '-' and '_', at most 64 characters)");
        return text;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex Pattern();
}
