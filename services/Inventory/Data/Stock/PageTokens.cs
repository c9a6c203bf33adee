using System.Buffers.Text;
using System.Text;
using Logistics.Inventory.Domain.Stock;
using Logistics.SharedKernel;

namespace Logistics.Inventory.Data.Stock;

/// <summary>Opaque page tokens for stock lists: a token names the last part of the page before, and only tokens this API gave parse.</summary>
public static class PageTokens
{
    private const string Prefix = "stock-after:";

    public static string After(string partNumber) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Prefix + partNumber));

    public static string PartAfter(string token)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            if (text.StartsWith(Prefix, StringComparison.Ordinal)) return StockFields.PartNumber(text[Prefix.Length..]);
        }
        catch (Exception e) when (e is FormatException or InvalidFieldException)
        {
        }
        throw new InvalidFieldException("page_token", "is not a token this API gave");
    }
}
