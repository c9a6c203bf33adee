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
