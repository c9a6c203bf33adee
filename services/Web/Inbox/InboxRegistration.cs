using Logistics.Hosting.Data;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Logistics.Web.Inbox;

public static class InboxRegistration
{
    /// <summary>The inbox: the console's own schema ("web", migrations in Data/Migrations), its store and reader.</summary>
    public static WebApplicationBuilder AddInbox(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddPostgres("web", typeof(InboxRegistration).Assembly);
        builder.Services.AddSingleton<InboxStore>();
        builder.Services.AddScoped<InboxReader>();
        return builder;
    }
}
