using System.Buffers.Text;
using System.Text;
using Logistics.SharedKernel;

namespace Logistics.Inventory.Domain;

/// <summary>
/// A search of the catalogue's parts or centres, as a picker types it: a piece of text matched anywhere in the id or
/// the name (any case), a page size, and the id after which the page starts (from an opaque token this API gave).
/// </summary>
public sealed record CatalogueSearch(string Query, int PageSize, string After)
{
    public const int MaxQueryLength = 100;
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    /// <summary>Checks every field; <paramref name="kind"/> ("parts", "centres") keeps one list's tokens out of the other.</summary>
    public static CatalogueSearch Define(string kind, string? query, int pageSize, string? pageToken)
    {
        var text = query ?? "";
        if (text.Length > MaxQueryLength) throw new InvalidFieldException("query", $"is longer than {MaxQueryLength} characters");
        if (text.Any(char.IsControl)) throw new InvalidFieldException("query", "contains control characters");
        var size = pageSize == 0 ? DefaultPageSize
            : pageSize < 0 || pageSize > MaxPageSize ? throw new InvalidFieldException("page_size", $"must be between 1 and {MaxPageSize} (was {pageSize})")
            : pageSize;
        var after = string.IsNullOrEmpty(pageToken) ? "" : IdAfter(kind, pageToken);
        return new CatalogueSearch(text.Trim(), size, after);
    }

    /// <summary>The query as a SQL LIKE pattern: its own '%', '_' and '\' match themselves.</summary>
    public string LikePattern =>
        "%" + Query.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal) + "%";

    public static string Token(string kind, string lastId) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{kind}-after:{lastId}"));

    private static string IdAfter(string kind, string token)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            var prefix = $"{kind}-after:";
            if (text.StartsWith(prefix, StringComparison.Ordinal)) return Require.Code(text[prefix.Length..], "page_token");
        }
        catch (Exception e) when (e is FormatException or InvalidFieldException)
        {
        }
        throw new InvalidFieldException("page_token", "is not a token this API gave");
    }
}
