using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Logistics.LocalStack;
using Xunit;

namespace Logistics.Testing;

/// <summary>What a service's appsettings.json says about its settings class.</summary>
public static class ServiceAppSettings
{
    /// <summary>
    /// Every settable property of <typeparamref name="T"/> is a key of <paramref name="section"/> in
    /// services/<paramref name="service"/>/appsettings.json, with the class's own default as its value, so the file
    /// shows an operator every key and what it is when left alone.
    /// </summary>
    public static void AssertEveryKeyWithItsDefault<T>(string service, string section) where T : new()
    {
        var path = Path.Combine(RepoLayout.Root, "services", service, "appsettings.json");
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        Assert.True(json.RootElement.TryGetProperty(section, out var keys), $"{path} has no section {section}");
        var defaults = new T();
        foreach (var property in typeof(T).GetProperties().Where(p => p.CanWrite))
        {
            Assert.True(keys.TryGetProperty(property.Name, out var value), $"{section}:{property.Name} is missing from {path}");
            var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
            var written = TypeDescriptor.GetConverter(property.PropertyType).ConvertFromInvariantString(text);
            Assert.True(Equals(property.GetValue(defaults), written),
                $"{section}:{property.Name} is {text} in {path}; its default is {Convert.ToString(property.GetValue(defaults), CultureInfo.InvariantCulture)}");
        }
        var known = typeof(T).GetProperties().Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var key in keys.EnumerateObject())
            Assert.True(known.Contains(key.Name), $"{section}:{key.Name} in {path} is not a setting of {typeof(T).Name}");
    }
}
