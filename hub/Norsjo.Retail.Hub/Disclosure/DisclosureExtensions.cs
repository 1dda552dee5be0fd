namespace Norsjo.Retail.Hub.Disclosure;

public static class DisclosureExtensions
{
    /// <summary>The disclosure rule's options, the consent log (operational store), the published months and the one place that decides every municipal figure.</summary>
    public static WebApplicationBuilder AddDisclosure(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Configure<DisclosureOptions>(builder.Configuration.GetSection(DisclosureOptions.Section));
        builder.Services.AddSingleton<IStoreConsents, OperationalStoreConsents>();
        builder.Services.AddHostedService<ConsentImport>(); // before anything reads consents
        builder.Services.AddSingleton<PublishedMonths>();
        builder.Services.AddSingleton<MunicipalFigures>();
        builder.Services.AddSingleton<PublishedTable>();
        builder.Services.AddHostedService<PublishedTableService>();
        return builder;
    }
}
