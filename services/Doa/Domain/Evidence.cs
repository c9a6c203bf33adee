using System.Security.Cryptography;
using Logistics.SharedKernel;

namespace Logistics.Doa.Domain;

/// <summary>A file stored with a claim: its description (the content is kept beside the claim, not in it).</summary>
public sealed record EvidenceFile(
    string EvidenceId, string FileName, string ContentType, long SizeBytes, string Sha256, string UploadedBy, DateTimeOffset UploadedAt);

/// <summary>
/// What evidence may be: a photo (JPEG, PNG) or a PDF, recognised from the content's first bytes (the name and the type a
/// browser declares are not trusted), not empty, at most <see cref="DoaPolicy.MaxEvidenceFileBytes"/>. The field named
/// in refusals is <c>file</c>, or <c>file_name</c> for the name.
/// </summary>
public static class EvidenceContent
{
    public const string Jpeg = "image/jpeg";
    public const string Png = "image/png";
    public const string Pdf = "application/pdf";

    private static readonly byte[] JpegStart = [0xFF, 0xD8, 0xFF];
    private static readonly byte[] PngStart = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly byte[] PdfStart = "%PDF-"u8.ToArray();

    /// <summary>The content type the bytes are, or null when they are none of the three.</summary>
    public static string? Detect(ReadOnlySpan<byte> content) =>
        content.StartsWith(JpegStart) ? Jpeg : content.StartsWith(PngStart) ? Png : content.StartsWith(PdfStart) ? Pdf : null;

    /// <summary>Checks a whole upload and describes it; throws (naming the field) when it is refused.</summary>
    public static EvidenceFile Describe(
        string evidenceId, string? fileName, ReadOnlySpan<byte> content, string uploadedBy, DateTimeOffset at, DoaPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var name = CheckName(fileName);
        if (content.IsEmpty) throw new InvalidFieldException("file", $"{name} is empty");
        if (content.Length > policy.MaxEvidenceFileBytes) throw TooLarge(name, policy);
        var type = Detect(content)
            ?? throw new InvalidFieldException("file", $"{name} is not a JPEG, PNG or PDF file (its content says so, whatever its name); only photos and PDF reports are kept");
        return new EvidenceFile(evidenceId, name, type, content.Length, Convert.ToHexStringLower(SHA256.HashData(content)), uploadedBy, at);
    }

    public static InvalidFieldException TooLarge(string fileName, DoaPolicy policy) =>
        new("file", $"{fileName} is larger than {policy.MaxEvidenceFileBytes / (1024 * 1024)} MiB; send a smaller photo or report");

    /// <summary>A plain file name: no path, no control characters, at most 200 characters.</summary>
    public static string CheckName(string? fileName)
    {
        var name = Require.Text(fileName, "file_name", 200);
        if (name.Any(char.IsControl) || name.IndexOfAny(['/', '\\']) >= 0)
            throw new InvalidFieldException("file_name", "must be a plain file name, without a path or control characters");
        return name;
    }
}
