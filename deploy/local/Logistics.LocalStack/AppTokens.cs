using System.Security.Cryptography;

namespace Logistics.LocalStack;

/// <summary>
/// Dapr's two shared tokens for one app: AppApiToken (APP_API_TOKEN) goes from the sidecar to the app as
/// dapr-api-token; DaprApiToken (DAPR_API_TOKEN) goes from the app to its sidecar as dapr-api-token.
/// </summary>
public sealed record AppTokens(string AppApiToken, string DaprApiToken)
{
    /// <summary>32 random bytes each, base64url (no characters a shell or a header would mangle).</summary>
    public static AppTokens New() => new(Random(), Random());

    private static string Random() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public override string ToString() => "AppTokens { (hidden) }";
}
