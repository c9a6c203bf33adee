using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Tokens;

namespace Logistics.Hosting.Auth;

public static class LogisticsAuthentication
{
    /// <summary>Any valid token. Role policies are named exactly like the role (see <see cref="Roles"/>).</summary>
    public const string AuthenticatedPolicy = "authenticated";

    public const string UserIdClaim = "sub";
    public const string RoleClaim = "role";

    /// <summary>The spare-part centres a staff member works for: a JSON array of centre ids, like "role".</summary>
    public const string CentresClaim = "centres";

    /// <summary>Tokens a few seconds past their expiry still pass, for clocks that drift apart between machines.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Bearer JWT authentication and the role policies. The gateway and every service call this with the same "Auth"
    /// section, so a token the gateway lets through is one the service accepts too.
    /// </summary>
    public static IServiceCollection AddLogisticsAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        // Read and checked now rather than on first request, so a missing or short key stops the process at start.
        var options = AuthOptions.From(configuration);
        options.Validate();

        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section));
        services.AddSingleton(new DevTokenIssuer(options));

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(jwt =>
            {
                // Keep "sub" and "role" as they are in the token instead of the long WS-* claim type names.
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidateIssuer = true,
                    ValidateAudience = true,
                    ValidAudience = options.Audience,
                    ValidateLifetime = true,
                    RequireExpirationTime = true,
                    ValidateIssuerSigningKey = true,
                    RequireSignedTokens = true,
                    ClockSkew = ClockSkew,
                    NameClaimType = UserIdClaim,
                    RoleClaimType = RoleClaim,
                };
                if (!string.IsNullOrWhiteSpace(options.Authority))
                {
                    // Issuer and signing keys come from the authority's OpenID metadata.
                    jwt.Authority = options.Authority;
                }
                else
                {
                    jwt.TokenValidationParameters.ValidIssuer = options.Issuer;
                    jwt.TokenValidationParameters.IssuerSigningKey = options.CreateSigningKey();
                    // Only the algorithm the local key is meant for: no "none", no algorithm confusion.
                    jwt.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
                }
            });
        // WWW-Authenticate says "invalid_token" and no more: why a token failed (expired, wrong key, wrong audience)
        // helps whoever forges one. Only a development host tells.
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IServiceProvider>((jwt, provider) => jwt.IncludeErrorDetails = provider.GetService<IHostEnvironment>()?.IsDevelopment() == true);

        var authorization = services.AddAuthorizationBuilder()
            .AddPolicy(AuthenticatedPolicy, policy => policy.RequireAuthenticatedUser().RequireClaim(UserIdClaim));
        foreach (var role in Roles.All)
            authorization.AddPolicy(role, policy => policy.RequireAuthenticatedUser().RequireClaim(UserIdClaim).RequireRole(role));

        return services;
    }

    /// <summary>For callers that allow several roles (the gateway's "any of" policies).</summary>
    public static AuthorizationPolicy AnyOf(params string[] roles)
    {
        foreach (var role in roles)
            if (!Roles.IsKnown(role)) throw new ArgumentException($"'{role}' is not a known role.", nameof(roles));
        return new AuthorizationPolicyBuilder()
            .RequireAuthenticatedUser().RequireClaim(UserIdClaim).RequireRole(roles).Build();
    }
}
