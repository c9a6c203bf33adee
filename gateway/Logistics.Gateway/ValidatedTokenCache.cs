using System.Collections.Concurrent;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace Logistics.Gateway;

/// <summary>Configuration section "Auth:TokenCache": how the gateway remembers tokens it has validated.</summary>
public sealed class TokenCacheOptions
{
    public const string Section = "Auth:TokenCache";

    /// <summary>0 turns the cache off: every call validates its token in full.</summary>
    public int MaxEntries { get; set; } = 10_000;

    /// <summary>
    /// How long a validated token is taken on trust at most, however far its expiry: a signing key withdrawn by the
    /// authority stops a remembered token within this time.
    /// </summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromMinutes(1);

    public static TokenCacheOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<TokenCacheOptions>() ?? new TokenCacheOptions();
        if (options.MaxEntries < 0 || options.MaxAge <= TimeSpan.Zero)
            throw new InvalidOperationException("Auth:TokenCache needs MaxEntries >= 0 (0: off) and a positive MaxAge.");
        return options;
    }
}

/// <summary>
/// Validates a bearer token once and remembers the outcome for the calls that bring the same token again (a client
/// sends one token for hours), instead of decoding, checking the signature and building the claims on every call.
/// Only tokens that passed full validation are remembered, keyed by their whole text, signature included: a forged or
/// altered token is another string, so it is validated (and refused) like any new one. A remembered token is trusted
/// until its expiry ("exp") or <see cref="TokenCacheOptions.MaxAge"/>, whichever comes first; past that it is validated
/// again. At most <see cref="TokenCacheOptions.MaxEntries"/> tokens are kept; when full, expired ones are dropped, and
/// if none are, new tokens are validated in full without being kept. Each call gets an identity of its own. The
/// services behind the gateway validate every token again themselves, without a cache.
/// </summary>
public sealed class ValidatedTokenCache(TokenHandler inner, TimeProvider time, TokenCacheOptions options) : TokenHandler
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Tokens remembered now (expired ones included until they are dropped).</summary>
    public int Count => _entries.Count;

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(token, out var entry))
        {
            if (now < entry.Until)
                return new TokenValidationResult
                {
                    IsValid = true,
                    ClaimsIdentity = entry.NewIdentity(),
                    SecurityToken = entry.Token,
                    Issuer = entry.Issuer,
                    TokenType = entry.TokenType,
                };
            _entries.TryRemove(KeyValuePair.Create(token, entry));
        }

        var result = await inner.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.ClaimsIdentity is { } identity && result.SecurityToken is { } securityToken
            && securityToken.ValidTo != DateTime.MinValue)
        {
            var until = Min(new DateTimeOffset(DateTime.SpecifyKind(securityToken.ValidTo, DateTimeKind.Utc)), now + options.MaxAge);
            if (until > now && HasRoom(now))
                _entries[token] = new Entry([.. identity.Claims.Select(c => c.Clone())], identity.AuthenticationType, identity.NameClaimType,
                    identity.RoleClaimType, securityToken, result.Issuer, result.TokenType, until);
        }
        return result;
    }

    public override SecurityToken ReadToken(string token) => inner.ReadToken(token);

    // When full, expired entries are swept at most once per MaxAge (no entry lives longer, so one sweep frees every
    // entry kept before the last one): a full cache of live tokens must not cost a scan on every new token.
    private bool HasRoom(DateTimeOffset now)
    {
        if (_entries.Count < options.MaxEntries) return true;
        var due = Volatile.Read(ref _nextSweepTicks);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref _nextSweepTicks, (now + options.MaxAge).UtcTicks, due) != due)
            return false; // not yet, or another request is sweeping
        foreach (var (token, entry) in _entries)
            if (entry.Until <= now) _entries.TryRemove(KeyValuePair.Create(token, entry));
        return _entries.Count < options.MaxEntries;
    }

    private long _nextSweepTicks;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private sealed record Entry(System.Security.Claims.Claim[] Claims, string? AuthenticationType, string NameClaimType, string RoleClaimType,
        SecurityToken Token, string? Issuer, string? TokenType, DateTimeOffset Until)
    {
        /// <summary>An identity of the handler's own kind (claim types compared case-sensitively, as in the token).</summary>
        public CaseSensitiveClaimsIdentity NewIdentity() => new(Claims, AuthenticationType, NameClaimType, RoleClaimType);
    }
}

public static class ValidatedTokenCaching
{
    /// <summary>Wraps the bearer scheme's token handlers in a <see cref="ValidatedTokenCache"/> (unless MaxEntries is 0).</summary>
    public static IServiceCollection AddValidatedTokenCache(this IServiceCollection services, TokenCacheOptions options)
    {
        if (options.MaxEntries == 0) return services;
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .PostConfigure<IServiceProvider>((jwt, provider) =>
            {
                var time = provider.GetService<TimeProvider>() ?? TimeProvider.System;
                for (var i = 0; i < jwt.TokenHandlers.Count; i++)
                    if (jwt.TokenHandlers[i] is not ValidatedTokenCache)
                        jwt.TokenHandlers[i] = new ValidatedTokenCache(jwt.TokenHandlers[i], time, options);
            });
        return services;
    }
}
