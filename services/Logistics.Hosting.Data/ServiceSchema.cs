using System.Text.RegularExpressions;

namespace Logistics.Hosting.Data;

/// <summary>The Postgres schema a service owns (by default its app id). No service reads another's schema.</summary>
public sealed partial record ServiceSchema
{
    public string Name { get; }

    public ServiceSchema(string name)
    {
        if (!Pattern().IsMatch(name)) throw new ArgumentException($"'{name}' is not a valid schema name", nameof(name));
        Name = name;
    }

    public string Quoted => $"\"{Name}\"";

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex Pattern();
}
