namespace Logistics.Web.Inbox;

/// <summary>The notification key a user's own marks change (so the badge follows what they do on the inbox page).</summary>
public static class InboxKeys
{
    public static string MarksOf(string userId) => $"inbox-marks:{userId}";
}
