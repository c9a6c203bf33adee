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

    public string Issue(string userId, IReadOnlyCollection<string> roles)
    {
        if (FindProblem(userId, roles) is { } problem)
            throw new ArgumentException(problem);

        var now = _clock.GetUtcNow().UtcDateTime;
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + _options.DevTokens.Lifetime,
            Claims = new Dictionary<string, object>
            {
                [LogisticsAuthentication.UserIdClaim] = userId,
                // Always an array, so one role and several roles read back the same way.
                [LogisticsAuthentication.RoleClaim] = roles.Distinct(StringComparer.Ordinal).ToArray(),
            },
            SigningCredentials = new SigningCredentials(_options.CreateSigningKey(), SecurityAlgorithms.HmacSha256),
        });
    }
}
