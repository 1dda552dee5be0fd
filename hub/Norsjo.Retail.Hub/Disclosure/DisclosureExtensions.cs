namespace Norsjo.Retail.Hub.Disclosure;

public static class DisclosureExtensions
{
    /// <summary>The disclosure rule's options, the consent log and the one place that decides every municipal figure.</summary>
    public static WebApplicationBuilder AddDisclosure(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Configure<DisclosureOptions>(builder.Configuration.GetSection(DisclosureOptions.Section));
        builder.Services.AddSingleton<IStoreConsents, ClickHouseStoreConsents>();
        builder.Services.AddSingleton<MunicipalFigures>();
        builder.Services.AddSingleton<PublishedTable>();
        builder.Services.AddHostedService<PublishedTableService>();
        return builder;
    }
}
