using System.Security.Cryptography;
using System.Text;

namespace Logistics.Inventory.Domain.Stock;

/// <summary>
/// Ids of the movements a script makes on its own (a backorder served when stock arrives): a name-based UUID
/// (RFC 9562 version 5) with the triggering movement's id as namespace and the reservation id as name. Scripts
/// cannot draw random numbers, and a derived id is the same on every replay.
/// </summary>
public static class MovementIds
{
    public static Guid ForServedBackorder(Guid triggeringMovementId, string reservationId)
    {
        var name = Encoding.UTF8.GetBytes(reservationId);
#pragma warning disable CA5350 // SHA-1 is what RFC 9562 prescribes for version 5; it names, it does not protect
        var hash = SHA1.HashData([.. triggeringMovementId.ToByteArray(bigEndian: true), .. name]);
#pragma warning restore CA5350
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50); // version 5
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC variant
        return new Guid(bytes, bigEndian: true);
    }
}
