using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Logistics.Hosting.Settings;

/// <summary>A service's own settings: one class at the service's root, bound from its configuration section.</summary>
public interface IServiceSettings
{
    /// <summary>The configuration section (env `Section__Key`).</summary>
    static abstract string Section { get; }
}

public static class ServiceSettings
{
    /// <summary>
    /// Binds <typeparamref name="T"/> from its section and checks it (data annotations, <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/>)
    /// when the service starts, so a bad value stops it with the key named instead of misbehaving later. Consumers take
    /// <typeparamref name="T"/> itself.
    /// </summary>
    public static WebApplicationBuilder AddServiceSettings<T>(this WebApplicationBuilder builder) where T : class, IServiceSettings
    {
        builder.Services.AddServiceSettings<T>(builder.Configuration);
        return builder;
    }

    /// <inheritdoc cref="AddServiceSettings{T}(WebApplicationBuilder)"/>
    public static IServiceCollection AddServiceSettings<T>(this IServiceCollection services, IConfiguration configuration) where T : class, IServiceSettings
    {
        services.AddOptions<T>()
            .Bind(configuration.GetSection(T.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<T>>().Value);
        return services;
    }
}
