using System.Globalization;
using System.Threading.RateLimiting;
using Logistics.Hosting.Auth;

namespace Logistics.Gateway;

/// <summary>Configuration section "RateLimits:PerUser": one token bucket per user ("sub" of the token).</summary>
public sealed class PerUserRateLimitOptions
{
    public const string Section = "RateLimits:PerUser";

    /// <summary>The name routes give as RateLimiterPolicy.</summary>
    public const string PolicyName = "per-user";

    /// <summary>The burst a user may send at once.</summary>
    public int TokenLimit { get; set; } = 100;

    /// <summary>Tokens given back every <see cref="ReplenishmentPeriod"/>: the sustained rate.</summary>
    public int TokensPerPeriod { get; set; } = 50;

    public TimeSpan ReplenishmentPeriod { get; set; } = TimeSpan.FromSeconds(1);

    public static PerUserRateLimitOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<PerUserRateLimitOptions>() ?? new PerUserRateLimitOptions();
        if (options.TokenLimit < 1 || options.TokensPerPeriod < 1 || options.ReplenishmentPeriod <= TimeSpan.Zero)
            throw new InvalidOperationException(
                "RateLimits:PerUser needs TokenLimit >= 1, TokensPerPeriod >= 1 and a positive ReplenishmentPeriod.");
        return options;
    }
}

/// <summary>
/// Configuration section "RateLimits:Anonymous": one token bucket per client address for callers without a valid
/// token (a 401 to be, /dev/token, health), so that nobody can hammer the gateway without first holding a token.
/// </summary>
public sealed class AnonymousRateLimitOptions
{
    public const string Section = "RateLimits:Anonymous";

    public int TokenLimit { get; set; } = 100;

    public int TokensPerPeriod { get; set; } = 20;

    public TimeSpan ReplenishmentPeriod { get; set; } = TimeSpan.FromSeconds(1);

    public static AnonymousRateLimitOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<AnonymousRateLimitOptions>() ?? new AnonymousRateLimitOptions();
        if (options.TokenLimit < 1 || options.TokensPerPeriod < 1 || options.ReplenishmentPeriod <= TimeSpan.Zero)
            throw new InvalidOperationException(
                "RateLimits:Anonymous needs TokenLimit >= 1, TokensPerPeriod >= 1 and a positive ReplenishmentPeriod.");
        return options;
    }
}

public static class PerUserRateLimit
{
    public static IServiceCollection AddPerUserRateLimit(this IServiceCollection services, PerUserRateLimitOptions limits,
        AnonymousRateLimitOptions anonymous)
    {
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, _) =>
            {
                var response = context.HttpContext.Response;
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                    response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                if (IsGrpc(context.HttpContext.Request))
                {
                    // A gRPC client reads HTTP 429 as UNAVAILABLE (and may retry at once); answer RESOURCE_EXHAUSTED
                    // as a trailers-only gRPC response instead, the code gRPC clients expect for a rate limit.
                    response.StatusCode = StatusCodes.Status200OK;
                    response.ContentType = "application/grpc";
                    response.Headers["grpc-status"] = "8";
                    response.Headers["grpc-message"] = "rate limit exceeded";
                }
                return ValueTask.CompletedTask;
            };
            // The factories are made once: a lambda that captures a variable would be a new delegate on every call.
            var anonymousBucket = new TokenBucketRateLimiterOptions
            {
                TokenLimit = anonymous.TokenLimit,
                TokensPerPeriod = anonymous.TokensPerPeriod,
                ReplenishmentPeriod = anonymous.ReplenishmentPeriod,
                QueueLimit = 0,
                AutoReplenishment = true,
            };
            Func<string, TokenBucketRateLimiterOptions> anonymousFactory = _ => anonymousBucket;
            var userBucket = new TokenBucketRateLimiterOptions
            {
                TokenLimit = limits.TokenLimit,
                TokensPerPeriod = limits.TokensPerPeriod,
                ReplenishmentPeriod = limits.ReplenishmentPeriod,
                QueueLimit = 0,
                AutoReplenishment = true,
            };
            Func<string, TokenBucketRateLimiterOptions> userFactory = _ => userBucket;
            var noLimit = RateLimitPartition.GetNoLimiter("user");
            // Runs for every request, before the route's policy: callers with a valid token pass here (their route's
            // per-user bucket limits them); the others share one bucket per client address.
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                context.User.FindFirst(LogisticsAuthentication.UserIdClaim) is not null
                    ? noLimit
                    : RateLimitPartition.GetTokenBucketLimiter("address:" + context.Connection.RemoteIpAddress, anonymousFactory));
            // Callers without a valid token met the limit by address above; the route turns them away next (401).
            // "user:" keeps a user named "anonymous" out of the callers' partition without a token.
            var anonymousPass = RateLimitPartition.GetNoLimiter("anonymous");
            options.AddPolicy(PerUserRateLimitOptions.PolicyName, context =>
                context.User.FindFirst(LogisticsAuthentication.UserIdClaim)?.Value is not { } userId
                    ? anonymousPass
                    : RateLimitPartition.GetTokenBucketLimiter("user:" + userId, userFactory));
        });
        return services;
    }

    private static bool IsGrpc(HttpRequest request) =>
        request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;
}
