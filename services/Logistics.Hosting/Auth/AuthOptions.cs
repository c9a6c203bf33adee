using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.IdentityModel.Tokens;

namespace Logistics.Hosting.Auth;

/// <summary>Configuration section "Auth": who issues the tokens that the gateway and every service accept.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>HMAC-SHA256 needs a key of at least 256 bits.</summary>
    public const int MinimumSigningKeyBytes = 32;

    /// <summary>The "iss" of locally signed tokens. With an <see cref="Authority"/>, the authority's metadata names the issuer.</summary>
    public string Issuer { get; set; } = "logistics-local";

    public string Audience { get; set; } = "logistics";

    /// <summary>Symmetric key (UTF-8 string) that signs tokens on the local stack.</summary>
    public string? SigningKey { get; set; }

    /// <summary>An OIDC authority (production). When set, its published keys are used instead of <see cref="SigningKey"/>.</summary>
    public string? Authority { get; set; }

    public DevTokenOptions DevTokens { get; set; } = new();

    public static AuthOptions From(IConfiguration configuration) =>
        configuration.GetSection(Section).Get<AuthOptions>() ?? new AuthOptions();

    /// <summary>Throws with a message naming the setting to fix; called at start so a bad setup never serves a request.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(SigningKey) && string.IsNullOrWhiteSpace(Authority))
            throw new InvalidOperationException(
                "Auth is not configured: set Auth:SigningKey (local stack, at least 32 bytes) or Auth:Authority (an OIDC authority).");
        if (!string.IsNullOrEmpty(SigningKey) && Encoding.UTF8.GetByteCount(SigningKey) < MinimumSigningKeyBytes)
            throw new InvalidOperationException(
                $"Auth:SigningKey is too short: it needs at least {MinimumSigningKeyBytes} bytes (UTF-8) for HMAC-SHA256.");
        if (string.IsNullOrWhiteSpace(Issuer) || string.IsNullOrWhiteSpace(Audience))
            throw new InvalidOperationException("Auth:Issuer and Auth:Audience must not be empty.");
        if (DevTokens.Enabled && (string.IsNullOrEmpty(SigningKey) || !string.IsNullOrWhiteSpace(Authority)))
            throw new InvalidOperationException(
                "Auth:DevTokens:Enabled needs Auth:SigningKey and no Auth:Authority: dev tokens are signed with the local key.");
        if (DevTokens.Lifetime <= TimeSpan.Zero)
            throw new InvalidOperationException("Auth:DevTokens:Lifetime must be positive.");
    }

    public SymmetricSecurityKey CreateSigningKey() =>
        new(Encoding.UTF8.GetBytes(SigningKey ?? throw new InvalidOperationException("Auth:SigningKey is not set.")));
}

public sealed class DevTokenOptions
{
    /// <summary>Off unless the local stack turns it on: anyone who can reach /dev/token can become anyone.</summary>
    public bool Enabled { get; set; }

    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(8);
}
