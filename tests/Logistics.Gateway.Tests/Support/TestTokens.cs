using Logistics.Hosting.Auth;
using Logistics.Testing;

namespace Logistics.Gateway.Tests.Support;

/// <summary>Tokens signed like the local stack's. Every token is for a new user, so tests never share a rate limit.</summary>
public static class TestTokens
{
    public const string SigningKey = "gateway-tests-signing-key-0123456789abcdef";

    private static int _lastUser;

    public static AuthOptions Options(string signingKey = SigningKey) => new() { SigningKey = signingKey };

    public static string NewUserId() => $"user-{Interlocked.Increment(ref _lastUser)}";

    public static string For(params string[] roles) => ForUser(NewUserId(), roles);

    public static string ForUser(string userId, params string[] roles) => new DevTokenIssuer(Options()).Issue(userId, roles);
}
