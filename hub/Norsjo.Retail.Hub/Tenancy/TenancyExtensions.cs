namespace Norsjo.Retail.Hub.Tenancy;

public static class TenancyExtensions
{
    /// <summary>The hub's municipalities; each further one is read and checked before Kestrel listens. After AddStoreRegistry.</summary>
    public static WebApplicationBuilder AddMunicipalities(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<Municipalities>();
        builder.Services.AddHostedService<MunicipalitySeeding>();
        return builder;
    }

    /// <summary>
    /// After authentication: a request of a further municipality's user (or of a store owner whose
    /// stores are there) reads that municipality's services, so every handler's registry, figures,
    /// consents, subsidy and service points are its own; a user whose municipality is gone gets 403.
    /// </summary>
    public static WebApplication UseMunicipalities(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var municipalities = app.Services.GetRequiredService<Municipalities>();
        app.Use(async (context, next) =>
        {
            if (context.User.Identity?.IsAuthenticated == true)
            {
                if (municipalities.Of(context.User) is not { } municipality)
                {
                    await Results.Problem("Kommunen finns inte längre på navet.", statusCode: StatusCodes.Status403Forbidden).ExecuteAsync(context).ConfigureAwait(false);
                    return;
                }

                context.RequestServices = municipality.Over(context.RequestServices);
            }

            await next(context).ConfigureAwait(false);
        });
        return app;
    }

    /// <summary>Reads every municipality's registry (a further one's seeds its facts on first start) before Kestrel listens.</summary>
    private sealed class MunicipalitySeeding(Municipalities municipalities) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            foreach (var municipality in municipalities.All.Skip(1))
            {
                municipality.Facts.EnsureSeeded();
                await municipality.GetRequiredService<ServicePoints.ServicePointStore>().EnsureSeededAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
