using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Logistics.Hosting.Auth;

/// <summary>
/// Signs tokens with the local key, exactly as the gateway and the services expect them. Used by the gateway's
/// POST /dev/token (local stack only) and by tests.
/// </summary>
public sealed class DevTokenIssuer
{
    public const int MaxUserIdLength = 64;
    public const int MaxCentres = 100;
    public const int MaxCentreIdLength = 40;

    private static readonly JsonWebTokenHandler Handler = new();

    private readonly AuthOptions _options;
    private readonly TimeProvider _clock;

    public DevTokenIssuer(AuthOptions options, TimeProvider? clock = null)
    {
        _options = options;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>Why a user id and roles cannot go into a token, or null when they can.</summary>
    public static string? FindProblem(string? userId, IReadOnlyCollection<string>? roles)
    {
        if (string.IsNullOrWhiteSpace(userId))
            return "userId is required.";
        if (userId.Length > MaxUserIdLength)
            return $"userId must be at most {MaxUserIdLength} characters.";
        if (IdTextProblem(userId) is { } text)
            return $"userId {text}.";
        if (roles is null || roles.Count == 0)
            return $"roles must name at least one of: {string.Join(", ", Roles.All)}.";
        var unknown = roles.Where(r => !Roles.IsKnown(r)).ToList();
        if (unknown.Count > 0)
            return $"unknown role(s) {string.Join(", ", unknown.Select(r => $"'{r}'"))}; known roles: {string.Join(", ", Roles.All)}.";
        return null;
    }

    /// <summary>
    /// Why an id cannot go into a token (a control character, or an unpaired UTF-16 surrogate that no UTF-8 token can
    /// carry), or null. Every id the dev endpoint takes is checked with it.
    /// </summary>
    public static string? IdTextProblem(string id)
    {
        for (var i = 0; i < id.Length; i++)
        {
            if (char.IsHighSurrogate(id[i]) && i + 1 < id.Length && char.IsLowSurrogate(id[i + 1])) { i++; continue; }
            if (char.IsSurrogate(id[i])) return "must not contain an unpaired UTF-16 surrogate";
            if (char.IsControl(id[i])) return $"must not contain control characters (U+{(int)id[i]:X4} at position {i})";
        }
        return null;
    }

    /// <summary>As above, and why the centres cannot go into a token: each a well-formed centre id, at most <see cref="MaxCentres"/>.</summary>
    public static string? FindProblem(string? userId, IReadOnlyCollection<string>? roles, IReadOnlyCollection<string?>? centres)
    {
        if (FindProblem(userId, roles) is { } problem) return problem;
        if (centres is null) return null;
        if (centres.Count > MaxCentres)
            return $"centres must name at most {MaxCentres} centres (named {centres.Count}).";
        foreach (var centre in centres)
        {
            if (string.IsNullOrEmpty(centre) || centre.Length > MaxCentreIdLength || !IsCentreId(centre))
                return $"centres: '{Printable(centre)}' is not a centre id (1 to {MaxCentreIdLength} letters, digits, '-', '.' or '_', starting with a letter or digit).";
        }
        return null;
    }

    public string Issue(string userId, IReadOnlyCollection<string> roles, IReadOnlyCollection<string>? centres = null)
    {
        if (FindProblem(userId, roles, centres) is { } problem)
            throw new ArgumentException(problem);

        var now = _clock.GetUtcNow().UtcDateTime;
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + _options.DevTokens.Lifetime,
            Claims = Claims(userId, roles, centres),
            SigningCredentials = new SigningCredentials(_options.CreateSigningKey(), SecurityAlgorithms.HmacSha256),
        });
    }

    private static Dictionary<string, object> Claims(string userId, IReadOnlyCollection<string> roles, IReadOnlyCollection<string>? centres)
    {
        var claims = new Dictionary<string, object>
        {
            [LogisticsAuthentication.UserIdClaim] = userId,
            // Always an array, so one role and several roles read back the same way.
            [LogisticsAuthentication.RoleClaim] = roles.Distinct(StringComparer.Ordinal).ToArray(),
        };
        // Also always an array; left out when there are none (a staff token without centres acts for no centre).
        if (centres is { Count: > 0 })
            claims[LogisticsAuthentication.CentresClaim] = centres.Distinct(StringComparer.Ordinal).ToArray();
        return claims;
    }

    private static bool IsCentreId(string centre) =>
        char.IsAsciiLetterOrDigit(centre[0]) && centre.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_');

    /// <summary>A refused id shown safely: control characters escaped, long ids cut.</summary>
    private static string Printable(string? value)
    {
        if (value is null) return "null";
        var shown = value.Length > MaxCentreIdLength ? value[..MaxCentreIdLength] + "..." : value;
        return string.Concat(shown.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
    }
}
